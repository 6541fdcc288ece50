//! How a downloaded file is named: the `Content-Disposition` a browser saves it under, sent
//! by this server (zips, invoices) or asked of the bucket on a direct download.

/// A `Content-Disposition` for a file called `name`: a plain ASCII fallback and the exact
/// name in RFC 5987 form, so "Anna & Tom-IMG_1.jpg" keeps its spaces and accents.
pub fn disposition(name: &str) -> String {
    let plain: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_ ".contains(c) { c } else { '_' }).collect();
    let exact: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{exact}")
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn names_keep_a_plain_fallback_and_the_exact_bytes() {
        assert_eq!(
            disposition("Anna & Tom é.jpg"),
            "attachment; filename=\"Anna _ Tom _.jpg\"; filename*=UTF-8''Anna%20%26%20Tom%20%C3%A9.jpg"
        );
    }

    #[test]
    fn a_hostile_name_cannot_break_out_of_the_header() {
        let d = disposition("a\"b\r\nSet-Cookie: x=1;.jpg");
        assert!(!d.contains(['\r', '\n']), "{d}");
        assert_eq!(d.matches('"').count(), 2, "only the fallback's own quotes: {d}");
    }
}
