//! API tokens for scripts: made (shown once), listed by name, revoked.

use maud::Markup;
use poem::{
    Response, handler,
    web::{Data, Path},
};
use serde::Deserialize;

use super::{login::Nothing, see_other, views};
use crate::{
    app::{self, App},
    web::{extract::AdminForm, session::Admin},
};

#[handler]
pub async fn tokens_page(Data(state): Data<&App>, admin: Admin) -> poem::Result<Markup> {
    let tokens = app::auth::list_api_tokens(state).await?;
    Ok(views::tokens(&state.config().studio_name, &admin.csrf, &tokens, None))
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

#[handler]
pub async fn create_token(
    Data(state): Data<&App>,
    AdminForm(admin, f): AdminForm<TokenForm>,
) -> poem::Result<Markup> {
    let token = app::auth::create_api_token(state, &f.name).await?;
    let tokens = app::auth::list_api_tokens(state).await?;
    Ok(views::tokens(&state.config().studio_name, &admin.csrf, &tokens, Some(&token)))
}

#[handler]
pub async fn revoke_token(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, _): AdminForm<Nothing>,
) -> poem::Result<Response> {
    app::auth::revoke_api_token(state, &id).await?;
    Ok(see_other("/admin/tokens"))
}
