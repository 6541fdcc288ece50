//! Proofing: favourites within the gallery's limits, submitting (which locks the
//! selection), comments and retouch requests, and the photographer's overview and exports
//! (a Lightroom filter string, CSV).

use super::{App, AppError, Result, clean_text, limits::Key, visit::List};
use crate::domain::{
    ActivityKind, Comment, CommentId, Gallery, GalleryId, PhotoId, Selection, Visitor, VisitorId,
    lightroom_filter, now_ms,
};

const COMMENT_MAX: usize = 2000;

/// Hearts (`on`) or un-hearts a photo in the visitor's selection for `gallery`; with a
/// named `list`, puts it in or takes it out of that list instead (lists have no limits).
/// The visit has checked that the link allows it.
pub(super) async fn favourite(
    state: &App,
    visitor: VisitorId,
    gallery: &Gallery,
    photo: PhotoId,
    on: bool,
    list: &List,
) -> Result<Selection> {
    let list = match list {
        List::Favourites => None,
        List::Named(name) => Some(name.clone()),
    };
    let (gid, max) = (gallery.id, gallery.proofing.max);
    let in_list = list.clone();
    let sel = state
        .with_db(move |db| {
            let p = db
                .photo(photo)?
                .filter(|p| p.gallery == gid)
                .ok_or_else(|| AppError::NotFound("photo not found".into()))?;
            db.update_selection(visitor, gid, |sel| {
                if sel.submitted_ms.is_some() {
                    return Err(AppError::Forbidden(
                        "Your selection is submitted and locked. Ask your photographer to reopen it.".into(),
                    ));
                }
                let (photos, max) = match &in_list {
                    Some(l) => (sel.lists.entry(l.clone()).or_default(), None),
                    None => (&mut sel.photos, max),
                };
                let has = photos.contains(&p.id);
                if on && !has {
                    if let Some(max) = max.filter(|m| photos.len() >= *m as usize) {
                        return Err(AppError::Invalid(format!(
                            "You can choose up to {max} photos. Remove one to add another."
                        )));
                    }
                    photos.push(p.id);
                } else if !on {
                    photos.retain(|id| *id != p.id);
                }
                sel.lists.retain(|_, photos| !photos.is_empty());
                Ok(())
            })?
        })
        .await?;
    if list.is_none() {
        super::activity::log(state, gid, visitor, ActivityKind::Heart { photo, on }).await;
    }
    Ok(sel)
}

/// Confirmations one typed address may receive per hour, and one link may cause.
const CONFIRMATIONS_PER_ADDRESS: usize = 1;
const CONFIRMATIONS_PER_LINK: usize = 20;

/// Submits the visitor's selection; from then on it is locked. The photographer is told
/// (see `notify::selection_submitted`), and the client gets a copy when their address is
/// one they proved (an e-mail grant) or one the link asked for, within per-address and
/// per-link limits: a stranger's address typed into an open link gets nothing.
pub async fn submit(
    state: &App,
    visitor: VisitorId,
    gallery: &Gallery,
    message: Option<&str>,
) -> Result<Selection> {
    let message = match message.map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Some(clean_multiline("your message", m, COMMENT_MAX)?),
        None => None,
    };
    let (gid, rules) = (gallery.id, gallery.proofing.clone());
    let (sel, filenames, copy_to) = state
        .with_db(move |db| {
            let sel = db.update_selection(visitor, gid, |sel| {
                if sel.submitted_ms.is_some() {
                    return Err(AppError::Invalid("Your selection was already submitted.".into()));
                }
                if let Some(why) = rules.submit_refusal(sel.photos.len()) {
                    return Err(AppError::Invalid(why));
                }
                sel.submitted_ms = Some(now_ms());
                sel.message = message.clone();
                Ok(())
            })??;
            let filenames: Vec<String> = db
                .photos(gid)?
                .into_iter()
                .filter(|p| sel.photos.contains(&p.id))
                .map(|p| p.filename)
                .collect();
            let copy_to = match db.visitor_by_id(visitor)? {
                Some(v) => {
                    let share = db.share(v.share)?;
                    let asked = share.as_ref().is_some_and(|s| s.ask_identity || s.email.is_some());
                    v.email.filter(|_| asked).map(|e| (e, v.share))
                }
                None => None,
            };
            Ok((sel, filenames, copy_to))
        })
        .await?;
    super::activity::log(state, gid, visitor, ActivityKind::Submit { count: filenames.len() }).await;
    // The selection is saved; a mail that cannot be queued must not undo it.
    if let Err(e) = super::notify::selection_submitted(state, gid).await {
        tracing::error!("could not queue the selection notice: {e}");
    }
    if let Some((to, link)) = copy_to {
        let keys = [
            Key::new(format!("to {}", to.to_lowercase()), CONFIRMATIONS_PER_ADDRESS),
            Key::new(format!("link {link}"), CONFIRMATIONS_PER_LINK),
        ];
        match state.mail_limiter.record(&keys) {
            Ok(_) => {
                if let Err(e) = super::notify::selection_confirmation(state, gallery, &to, &filenames).await {
                    tracing::error!("could not queue the client's confirmation: {e}");
                }
            }
            Err(_) => tracing::info!(gallery = %gid, "not mailing a confirmation: limit reached for {to}"),
        }
    }
    Ok(sel)
}

/// The photographer reopens a submitted selection so the client can change it.
pub async fn reopen(state: &App, visitor: VisitorId, gallery: GalleryId) -> Result<Selection> {
    state
        .with_db(move |db| {
            if !db.visitors(gallery)?.iter().any(|v| v.id == visitor) {
                return Err(AppError::NotFound("no such visitor in this gallery".into()));
            }
            db.update_selection(visitor, gallery, |sel| {
                sel.submitted_ms = None;
                Ok::<(), AppError>(())
            })?
        })
        .await
}

pub async fn selection(state: &App, visitor: VisitorId, gallery: GalleryId) -> Result<Selection> {
    state.with_db(move |db| Ok(db.selection(visitor, gallery)?)).await
}

/// Adds a comment to a photo: by a visitor (whose visit has checked that the link allows
/// it) or, with `by: None`, by the photographer (a reply).
pub async fn comment(
    state: &App,
    by: Option<VisitorId>,
    gallery: GalleryId,
    photo: PhotoId,
    text: &str,
    retouch: bool,
) -> Result<Comment> {
    let text = clean_multiline("comment", text, COMMENT_MAX)?;
    let c =
        Comment { id: CommentId::new(), gallery, photo, visitor: by, text, retouch, created_ms: now_ms() };
    let rec = c.clone();
    state
        .with_db(move |db| {
            db.photo(photo)?
                .filter(|p| p.gallery == gallery)
                .ok_or_else(|| AppError::NotFound("photo not found".into()))?;
            Ok(db.add_comment(&rec)?)
        })
        .await?;
    if let Some(v) = c.visitor {
        super::activity::log(state, gallery, v, ActivityKind::Comment { photo }).await;
        super::notify::comment_added(state, gallery).await?;
    }
    Ok(c)
}

pub async fn comments(state: &App, gallery: GalleryId) -> Result<Vec<Comment>> {
    state.with_db(move |db| Ok(db.comments(gallery)?)).await
}

/// Like `clean_text`, but newlines and tabs are allowed (a comment has paragraphs).
pub(super) fn clean_multiline(field: &str, value: &str, max: usize) -> Result<String> {
    let flat: String =
        value.chars().map(|c| if c == '\n' || c == '\t' || c == '\r' { ' ' } else { c }).collect();
    clean_text(field, &flat, max)?;
    Ok(value.trim().replace("\r\n", "\n"))
}

/// One visitor's selection as the photographer sees it.
pub struct VisitorSelection {
    pub visitor: Visitor,
    /// The label of the link they came through.
    pub link: String,
    pub selection: Selection,
    /// The favourites' filenames, in gallery order.
    pub filenames: Vec<String>,
    /// Each extra list of the gallery with its filenames, in gallery order.
    pub lists: Vec<(String, Vec<String>)>,
}

/// Every visitor of `gallery` with what they selected, most favourites first.
pub async fn overview(state: &App, gallery: GalleryId) -> Result<Vec<VisitorSelection>> {
    state
        .with_db(move |db| {
            let photos = db.photos(gallery)?;
            let links = db.shares(gallery)?;
            let names = db.gallery(gallery)?.map(|g| g.proofing.lists).unwrap_or_default();
            let files = |ids: &[PhotoId]| -> Vec<String> {
                photos.iter().filter(|p| ids.contains(&p.id)).map(|p| p.filename.clone()).collect()
            };
            let mut out = Vec::new();
            for v in db.visitors(gallery)? {
                let selection = db.selection(v.id, gallery)?;
                let filenames = files(&selection.photos);
                let lists = names
                    .iter()
                    .map(|n| (n.clone(), files(selection.lists.get(n).map_or(&[][..], |l| l.as_slice()))))
                    .collect();
                let link =
                    links.iter().find(|l| l.id == v.share).map(|l| l.label.clone()).unwrap_or_default();
                out.push(VisitorSelection { visitor: v, link, selection, filenames, lists });
            }
            out.sort_by_key(|s| std::cmp::Reverse(s.filenames.len()));
            Ok(out)
        })
        .await
}

/// One visitor's lists as the photographer exports them: the favourites first, then each
/// extra list, each with its filenames and their Lightroom filter string.
pub struct ExportedList {
    pub name: String,
    pub filenames: Vec<String>,
    pub lightroom: String,
}

impl VisitorSelection {
    pub fn exported(&self) -> Vec<ExportedList> {
        std::iter::once(("Favourites".to_string(), self.filenames.clone()))
            .chain(self.lists.iter().cloned())
            .map(|(name, filenames)| ExportedList {
                lightroom: lightroom_filter(&filenames),
                name,
                filenames,
            })
            .collect()
    }
}

/// The selections page: each visitor's lists, and every note with its photo's filename and
/// who wrote it.
pub struct Selections {
    pub gallery: Gallery,
    /// Each filename's thumbnail.
    pub thumbs: std::collections::HashMap<String, crate::domain::Hash>,
    pub visitors: Vec<(VisitorSelection, Vec<ExportedList>)>,
    /// (filename, comment, who).
    pub comments: Vec<(String, Comment, String)>,
}

pub async fn selections(state: &App, gallery: GalleryId) -> Result<Selections> {
    let g = state.gallery(gallery).await?;
    let visitors = overview(state, gallery).await?;
    let photos = state.photos(gallery).await?;
    let name_of = |p: PhotoId| {
        photos.iter().find(|v| v.photo.id == p).map(|v| v.photo.filename.clone()).unwrap_or_default()
    };
    let who = |c: &Comment| match c.visitor {
        None => "you".to_string(),
        Some(vid) => visitors.iter().find(|v| v.visitor.id == vid).map_or("a visitor".into(), |v| {
            format!("{} ({})", v.visitor.name.as_deref().unwrap_or("visitor"), v.link)
        }),
    };
    let comments = comments(state, gallery)
        .await?
        .into_iter()
        .map(|c| (name_of(c.photo), who(&c), c))
        .map(|(f, w, c)| (f, c, w))
        .collect();
    let visitors = visitors.into_iter().map(|v| {
        let lists = v.exported();
        (v, lists)
    });
    let thumbs =
        photos.iter().filter_map(|p| Some((p.photo.filename.clone(), p.thumb.as_ref()?.blob))).collect();
    Ok(Selections { gallery: g, visitors: visitors.collect(), comments, thumbs })
}

/// The selections as CSV: (visitor, link, list, filename) per selected photo.
pub async fn selections_csv(state: &App, gallery: GalleryId) -> Result<String> {
    let mut rows: Vec<[String; 4]> = Vec::new();
    for v in overview(state, gallery).await? {
        let who = format!("{} {}", v.visitor.name.as_deref().unwrap_or("visitor"), v.visitor.id);
        for list in v.exported() {
            rows.extend(
                list.filenames.into_iter().map(|f| [who.clone(), v.link.clone(), list.name.clone(), f]),
            );
        }
    }
    csv(&rows)
}

/// CSV of selections: a header, then (visitor, link, list, filename) per selected photo.
fn csv(rows: &[[String; 4]]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| AppError::Internal(e.to_string());
    w.write_record(["visitor", "link", "list", "filename"]).map_err(internal)?;
    for row in rows {
        // A leading = + - @ is defused so spreadsheets do not run it as a formula.
        let cells =
            row.clone().map(|s| if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s });
        w.write_record(&cells).map_err(internal)?;
    }
    String::from_utf8(w.into_inner().map_err(|e| AppError::Internal(e.to_string()))?)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The words on a gallery's cover: its own, else the studio's, else made from its rules.
pub fn welcome(gallery: &Gallery, studio_default: Option<&str>) -> String {
    let own = gallery.proofing.guide.as_deref().filter(|g| !g.trim().is_empty());
    own.or(studio_default).map_or_else(|| gallery.proofing.default_guide(), str::to_string)
}

/// The welcome words for this visitor, their placeholders filled: `client` is the name of
/// the link (or the visitor's own), `deadline` the gallery's.
pub fn welcome_for(gallery: &Gallery, studio_default: Option<&str>, studio: &str, client: &str) -> String {
    let deadline = gallery.journey.deadline_ms.map(crate::domain::day_in_words);
    crate::domain::journey::fill(&welcome(gallery, studio_default), &|name| match name {
        "client" => Some(client.to_string()),
        "gallery" => Some(gallery.title.clone()),
        "studio" => Some(studio.to_string()),
        "deadline" => Some(deadline.clone().unwrap_or_else(|| "the date your photographer gives".into())),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Proofing;

    #[test]
    fn welcome_words_come_from_the_gallery_then_the_studio_then_the_rules() {
        let mut g = Gallery::new(None, "g".into(), 0);
        g.proofing = Proofing { min: None, max: Some(3), guide: None, lists: vec![] };
        assert!(welcome(&g, None).contains("choose up to 3 favourites"));
        assert_eq!(welcome(&g, Some("Studio words")), "Studio words");
        g.proofing.guide = Some("Gallery words".into());
        assert_eq!(welcome(&g, Some("Studio words")), "Gallery words");
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let out = csv(&[["Ann \"A\"".into(), "link".into(), "Album".into(), "=cmd.jpg".into()]]).unwrap();
        assert_eq!(out, "visitor,link,list,filename\n\"Ann \"\"A\"\"\",link,Album,'=cmd.jpg\n");
    }
}
