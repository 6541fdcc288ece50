//! The photographer's pages: sign-in and setup, galleries and photos, sharing and proofing,
//! the studio's look, API tokens. Handlers here, their views in `views/`.

mod catalog;
mod galleries;
mod journey;
mod live;
mod login;
mod orders;
mod sharing;
mod studio;
mod tokens;
pub(super) mod views;

pub use catalog::{
    add_coupon, add_list as add_price_list, add_package, add_product, add_shipping, page as prices_page,
    remove_coupon, remove_list as remove_price_list, remove_package, remove_product, remove_shipping,
    set_billing, set_product_photo, set_terms as set_price_terms,
};
pub use galleries::{
    apply_settings, create_gallery, dashboard, delete_form, delete_gallery, edit_gallery, gallery_page,
    photo_page, photos_json, pick, remove_preset, reorder, save_preset, set_cover, set_state, settings_json,
    upload_photos,
};
pub use journey::{
    gallery_page as journey_page, message_page, messages_page, reopen as reopen_gallery,
    set_defaults as set_message_defaults, set_gallery as set_journey, set_lifecycle, set_message,
};
pub use live::{
    act as live_act, cart as live_cart, end as end_live, events as live_events, page as live_page,
    start as start_live, wall as live_wall,
};
pub use login::{login_form, login_submit, logout, setup_form, setup_submit};
pub use orders::{
    add_line as add_order_line, deliver as deliver_order, discount as order_discount,
    invoice as order_invoice, lab_zip, list as orders_page, move_to as move_order, page as order_page,
    record_payment, remove_line as remove_order_line,
};
pub use sharing::{
    activity, create_share, outbox, reopen, reply, revoke_share, selections, selections_csv, set_rules, zip,
};
pub use studio::{logo, page as studio_page, sample, set_brand, set_logo, set_watermark};
pub use tokens::{create_token, revoke_token, tokens_page};

use poem::{IntoResponse, Response, web::Redirect};

fn see_other(to: &str) -> Response {
    Redirect::see_other(to).into_response()
}
