//! Outgoing mail: lettre builds the MIME message (text and HTML parts) and sends it over
//! SMTP; with no SMTP server configured, the message is written to `DATA/outbox/<id>.eml`
//! instead, so everything works out of the box. Sending is synchronous: it runs inside a
//! job on a blocking thread.

pub mod templates;

use std::{io::Write, path::PathBuf, str::FromStr};

use lettre::{
    Message, SmtpTransport, Transport,
    message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType},
    transport::smtp::authentication::Credentials,
};

use crate::domain::Mail;

/// An SMTP server to send through (from the configuration).
#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub user: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    None,
    StartTls,
    Tls,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The message can never be sent as it is (a bad address): do not retry.
    #[error("{0}")]
    Invalid(String),
    /// The server or the disk failed this time: retry later.
    #[error("{0}")]
    Transient(String),
}

/// The `List-Unsubscribe` header (RFC 2369), holding `<url>`.
#[derive(Clone)]
struct ListUnsubscribe(String);

/// The `List-Unsubscribe-Post` header (RFC 8058): one click, no confirmation page.
#[derive(Clone)]
struct ListUnsubscribePost(String);

macro_rules! plain_header {
    ($t:ident, $name:literal) => {
        impl lettre::message::header::Header for $t {
            fn name() -> lettre::message::header::HeaderName {
                lettre::message::header::HeaderName::new_from_ascii_str($name)
            }
            fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
                Ok($t(s.to_string()))
            }
            fn display(&self) -> lettre::message::header::HeaderValue {
                lettre::message::header::HeaderValue::new(Self::name(), self.0.clone())
            }
        }
    };
}
plain_header!(ListUnsubscribe, "List-Unsubscribe");
plain_header!(ListUnsubscribePost, "List-Unsubscribe-Post");

/// Whether `s` is an address lettre can send to: `a@b.c` or `Name <a@b.c>`.
pub fn valid_address(s: &str) -> bool {
    Mailbox::from_str(s.trim()).is_ok()
}

pub struct Mailer {
    smtp: Option<SmtpTransport>,
    outbox: PathBuf,
    from: Mailbox,
}

impl Mailer {
    /// A mailer sending as `from` through `smtp`, or, without one, writing each message to
    /// `outbox` (a folder, created if missing).
    pub fn new(from: &str, smtp: Option<&Smtp>, outbox: &std::path::Path) -> anyhow::Result<Self> {
        let from: Mailbox = from.parse().map_err(|e| anyhow::anyhow!("mail_from {from:?}: {e}"))?;
        let smtp = match smtp {
            None => None,
            Some(s) => {
                let mut b = match s.tls {
                    Tls::Tls => SmtpTransport::relay(&s.host)?,
                    Tls::StartTls => SmtpTransport::starttls_relay(&s.host)?,
                    Tls::None => SmtpTransport::builder_dangerous(&s.host),
                }
                .port(s.port)
                .timeout(Some(std::time::Duration::from_secs(20)));
                if let (Some(u), Some(p)) = (&s.user, &s.password) {
                    b = b.credentials(Credentials::new(u.clone(), p.clone()));
                }
                Some(b.build())
            }
        };
        std::fs::create_dir_all(outbox)?;
        Ok(Mailer { smtp, outbox: outbox.to_path_buf(), from })
    }

    /// The message: text and HTML alternatives; with `logo` (PNG bytes) and `pictures`
    /// (JPEG bytes), the HTML travels with them as inline images `cid:logo`, `cid:view-<n>`.
    fn build(&self, mail: &Mail, logo: Option<&[u8]>, pictures: &[Vec<u8>]) -> Result<Message, MailError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e| MailError::Invalid(format!("the address {:?} is not valid: {e}", mail.to)))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .message_id(Some(format!("<{}@proofroom>", mail.id)));
        if let Some(j) = &mail.journey {
            // RFC 8058: the mail app's own "unsubscribe" button POSTs to this address.
            builder = builder
                .header(ListUnsubscribe(format!("<{}>", j.unsubscribe)))
                .header(ListUnsubscribePost("List-Unsubscribe=One-Click".into()));
        }
        builder
            .multipart(if logo.is_none() && pictures.is_empty() {
                MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone())
            } else {
                let inline = |cid: String, bytes: &[u8], kind: &str| -> Result<SinglePart, MailError> {
                    let kind = ContentType::parse(kind).map_err(|e| MailError::Invalid(e.to_string()))?;
                    Ok(Attachment::new_inline(cid).body(bytes.to_vec(), kind))
                };
                let mut related = MultiPart::related().singlepart(SinglePart::html(mail.html.clone()));
                if let Some(png) = logo {
                    related = related.singlepart(inline("logo".into(), png, "image/png")?);
                }
                // An empty picture is one that went missing: its number stays its own.
                for (i, jpeg) in pictures.iter().enumerate().filter(|(_, j)| !j.is_empty()) {
                    related = related.singlepart(inline(format!("view-{i}"), jpeg, "image/jpeg")?);
                }
                MultiPart::alternative().singlepart(SinglePart::plain(mail.text.clone())).multipart(related)
            })
            .map_err(|e| MailError::Invalid(e.to_string()))
    }

    /// Sends one message, or writes it to the outbox. Returns how it went out.
    pub fn deliver(
        &self,
        mail: &Mail,
        logo: Option<&[u8]>,
        pictures: &[Vec<u8>],
    ) -> Result<&'static str, MailError> {
        let message = self.build(mail, logo, pictures)?;
        match &self.smtp {
            Some(smtp) => {
                smtp.send(&message).map_err(|e| {
                    if e.is_permanent() {
                        MailError::Invalid(e.to_string())
                    } else {
                        MailError::Transient(e.to_string())
                    }
                })?;
                Ok("smtp")
            }
            None => {
                let path = self.outbox.join(format!("{}.eml", mail.id));
                let tmp = self.outbox.join(format!("{}.eml.part", mail.id));
                let write = || -> std::io::Result<()> {
                    let mut f = std::fs::File::create(&tmp)?;
                    f.write_all(&message.formatted())?;
                    f.sync_all()?;
                    std::fs::rename(&tmp, &path)
                };
                write().map_err(|e| MailError::Transient(format!("writing {}: {e}", path.display())))?;
                Ok("outbox")
            }
        }
    }
}
