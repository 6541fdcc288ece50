//! Who is asking: the client's address, as limits key on it. The peer of the TCP connection
//! is the client unless it is one of the `trusted_proxies`; then the forwarding headers
//! (`Forwarded`, else `X-Forwarded-For`) are read from the right, skipping proxies we trust,
//! and the first other address is the client. Entries left of it were written by the client
//! itself and are never believed.

use std::net::IpAddr;

use ipnet::IpNet;
use poem::{FromRequest, Request, RequestBody, web::RemoteAddr};

/// The client's address (see the module doc).
pub struct ClientIp(pub IpAddr);

impl<'a> FromRequest<'a> for ClientIp {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = super::app_of(req)?;
        let peer = peer_ip(req.remote_addr());
        let headers = |name: &str| -> Vec<String> {
            req.headers().get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect()
        };
        let chain = match headers("forwarded") {
            f if !f.is_empty() => forwarded_for(&f.join(",")),
            _ => headers("x-forwarded-for").join(",").split(',').map(|s| parse_addr(s.trim())).collect(),
        };
        Ok(ClientIp(resolve(peer, &state.config().trusted_proxies, &chain)))
    }
}

fn peer_ip(addr: &RemoteAddr) -> IpAddr {
    addr.as_socket_addr().map_or(std::net::Ipv4Addr::UNSPECIFIED.into(), |a| a.ip())
}

/// Walks the forwarding chain from the right while each hop is a trusted proxy. An entry
/// that is not an address (`unknown`, garbage) stops the walk at the last trusted hop.
fn resolve(peer: IpAddr, trusted: &[IpNet], chain: &[Option<IpAddr>]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    let mut client = peer;
    for hop in chain.iter().rev() {
        if !is_trusted(&client) {
            break;
        }
        match hop {
            Some(ip) => client = *ip,
            None => break,
        }
    }
    client
}

/// `for=` values of a `Forwarded` header (RFC 7239), in order.
fn forwarded_for(header: &str) -> Vec<Option<IpAddr>> {
    header
        .split(',')
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                k.trim().eq_ignore_ascii_case("for").then(|| parse_addr(v.trim().trim_matches('"')))
            })
        })
        .collect()
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:443`, `[2001:db8::1]:80`,
/// `2001:db8::1`.
fn parse_addr(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse() {
        return Some(ip);
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    s.parse::<std::net::SocketAddr>().ok().map(|a| a.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_hops_are_believed() {
        let proxies: Vec<IpNet> = vec!["127.0.0.1/32".parse().unwrap(), "10.0.0.0/8".parse().unwrap()];
        let xff = |s: &str| s.split(',').map(|p| parse_addr(p.trim())).collect::<Vec<_>>();
        // Not from a proxy: headers are the client's own words.
        assert_eq!(resolve(ip("203.0.113.9"), &proxies, &xff("1.2.3.4")), ip("203.0.113.9"));
        // From the proxy: the rightmost untrusted entry, not what the client prepended.
        assert_eq!(resolve(ip("127.0.0.1"), &proxies, &xff("6.6.6.6, 198.51.100.7")), ip("198.51.100.7"));
        assert_eq!(resolve(ip("127.0.0.1"), &proxies, &xff("198.51.100.7, 10.1.2.3")), ip("198.51.100.7"));
        // No proxies configured: never read.
        assert_eq!(resolve(ip("127.0.0.1"), &[], &xff("198.51.100.7")), ip("127.0.0.1"));
        // Garbage stops at the proxy.
        assert_eq!(resolve(ip("127.0.0.1"), &proxies, &xff("nonsense")), ip("127.0.0.1"));
    }

    #[test]
    fn forwarded_header_forms() {
        let f = forwarded_for(r#"for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711""#);
        assert_eq!(f, vec![Some(ip("192.0.2.60")), Some(ip("2001:db8:cafe::17"))]);
        assert_eq!(forwarded_for("for=unknown"), vec![None]);
        assert_eq!(parse_addr("192.0.2.1:8080"), Some(ip("192.0.2.1")));
    }
}
