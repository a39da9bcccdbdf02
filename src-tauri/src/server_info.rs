//! The embedded server as devices see it: the URLs to dial, and tokens minted with its
//! secret (the same minting as `opsdeck-server token`), with a QR code for phones and
//! in-vehicle devices. Pure functions; `commands/server.rs` feeds them.

use std::net::{IpAddr, SocketAddr};

use opsdeck_protocol::Role;
use opsdeck_server::auth::mint_hs256;

use crate::server_types::{MintRequest, MintedToken, ServerAddresses};

/// Longest token lifetime offered (5 years).
pub const MAX_TTL_HOURS: u32 = 24 * 365 * 5;

/// The URLs to dial for a server bound to `listen`, given this machine's interface
/// addresses. Bound to one address: that one. Bound to every interface (`0.0.0.0` / `::`):
/// each non-loopback interface address (IPv4 first), then loopback.
pub fn addresses(listen: SocketAddr, interfaces: &[IpAddr]) -> ServerAddresses {
    let port = listen.port();
    let url = |ip: &IpAddr| match ip {
        IpAddr::V4(v4) => format!("http://{v4}:{port}"),
        IpAddr::V6(v6) => format!("http://[{v6}]:{port}"),
    };
    let ip = listen.ip();
    let urls = if ip.is_unspecified() {
        let v6_too = ip.is_ipv6();
        let mut ips: Vec<IpAddr> = interfaces
            .iter()
            .copied()
            .filter(|i| i.is_ipv4() || v6_too)
            .filter(|i| !i.is_unspecified())
            .filter(|i| !matches!(i, IpAddr::V6(v6) if v6.is_unicast_link_local()))
            .collect();
        ips.sort_by_key(|i| (i.is_loopback(), i.is_ipv6(), *i));
        ips.dedup();
        if !ips.iter().any(IpAddr::is_loopback) {
            ips.push(IpAddr::from([127, 0, 0, 1]));
        }
        ips.iter().map(url).collect()
    } else {
        vec![url(&ip)]
    };
    ServerAddresses {
        listen: listen.to_string(),
        loopback_only: ip.is_loopback(),
        urls,
    }
}

/// This machine's interface addresses (empty if they cannot be read).
pub fn interface_ips() -> Vec<IpAddr> {
    match if_addrs::get_if_addrs() {
        Ok(list) => list.into_iter().map(|i| i.ip()).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot list network interfaces");
            Vec::new()
        }
    }
}

fn valid_id(what: &str, s: &str) -> Result<(), String> {
    let ok = (1..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.:@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} must be 1–64 characters: letters, digits and _ . : @ -"
        ))
    }
}

/// Checks a mint request; returns the first problem as the UI shows it.
pub fn validate(req: &MintRequest) -> Result<(), String> {
    valid_id("The user id", req.sub.trim())?;
    if req.name.trim().is_empty() {
        return Err("A display name is required.".into());
    }
    if req.name.chars().count() > 100 {
        return Err("The display name is at most 100 characters.".into());
    }
    if !(1..=MAX_TTL_HOURS).contains(&req.ttl_hours) {
        return Err(format!("The lifetime must be 1 to {MAX_TTL_HOURS} hours."));
    }
    let vehicle = req
        .vehicle_id
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    match (req.role, vehicle) {
        (Role::Device, None) => return Err("A device token needs a vehicle id.".into()),
        (Role::Device, Some(v)) => valid_id("The vehicle id", v)?,
        (_, Some(_)) => return Err("Only device tokens carry a vehicle id.".into()),
        (_, None) => {}
    }
    crate::settings::check_url(&req.url)
}

/// Mints a token for `req` with `secret` and renders its QR code.
pub fn mint(secret: &str, req: &MintRequest) -> Result<MintedToken, String> {
    validate(req)?;
    let ttl = chrono::Duration::hours(i64::from(req.ttl_hours));
    let vehicle = req
        .vehicle_id
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let token = mint_hs256(
        secret.as_bytes(),
        req.sub.trim(),
        req.role,
        req.name.trim(),
        ttl,
        vehicle,
    )
    .map_err(|e| e.to_string())?;
    let payload = serde_json::json!({ "url": req.url, "token": token }).to_string();
    Ok(MintedToken {
        qr_svg: qr_svg(&payload)?,
        payload,
        token,
        expires_at: chrono::Utc::now() + ttl,
    })
}

/// `text` as a QR code in an SVG document (black on white, with a quiet zone).
pub fn qr_svg(text: &str) -> Result<String, String> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::L)
        .map_err(|e| format!("cannot make a QR code: {e}"))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsdeck_server::auth::{AuthConfig, Verifier};

    fn req(role: Role, vehicle: Option<&str>) -> MintRequest {
        MintRequest {
            sub: "truck-7".into(),
            role,
            name: "Truck 7".into(),
            ttl_hours: 24,
            vehicle_id: vehicle.map(str::to_owned),
            url: "http://192.168.1.20:4700".into(),
        }
    }

    #[test]
    fn a_specific_address_is_the_only_url() {
        let a = addresses("127.0.0.1:4700".parse().unwrap(), &[]);
        assert_eq!(a.urls, ["http://127.0.0.1:4700"]);
        assert!(a.loopback_only);
        let lan = addresses("192.168.1.20:4700".parse().unwrap(), &[]);
        assert_eq!(lan.urls, ["http://192.168.1.20:4700"]);
        assert!(!lan.loopback_only);
    }

    #[test]
    fn every_interface_lists_lan_addresses_first() {
        let ifs: Vec<IpAddr> = [
            "127.0.0.1",
            "10.0.0.5",
            "fe80::1",
            "2001:db8::5",
            "192.168.1.20",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        let a = addresses("0.0.0.0:4700".parse().unwrap(), &ifs);
        assert!(!a.loopback_only);
        assert_eq!(
            a.urls,
            [
                "http://10.0.0.5:4700",
                "http://192.168.1.20:4700",
                "http://127.0.0.1:4700"
            ]
        );
        let v6 = addresses("[::]:4700".parse().unwrap(), &ifs);
        assert!(v6.urls.contains(&"http://[2001:db8::5]:4700".to_owned()));
        assert!(!v6.urls.iter().any(|u| u.contains("fe80")), "no link-local");
        let none = addresses("0.0.0.0:4700".parse().unwrap(), &[]);
        assert_eq!(none.urls, ["http://127.0.0.1:4700"]);
    }

    #[test]
    fn requests_are_checked() {
        assert!(validate(&req(Role::Dispatcher, None)).is_ok());
        assert!(validate(&req(Role::Device, Some("V-7"))).is_ok());
        assert!(
            validate(&req(Role::Device, None))
                .unwrap_err()
                .contains("vehicle id")
        );
        assert!(
            validate(&req(Role::Viewer, Some("V-7")))
                .unwrap_err()
                .contains("Only device")
        );
        let mut r = req(Role::Viewer, None);
        r.sub = "has space".into();
        assert!(validate(&r).unwrap_err().contains("user id"));
        let mut r = req(Role::Viewer, None);
        r.name = "  ".into();
        assert!(validate(&r).is_err());
        let mut r = req(Role::Viewer, None);
        r.ttl_hours = 0;
        assert!(validate(&r).unwrap_err().contains("lifetime"));
        let mut r = req(Role::Viewer, None);
        r.url = "192.168.1.20:4700".into();
        assert!(validate(&r).is_err());
    }

    #[test]
    fn minted_tokens_verify_with_the_secret_and_carry_the_claims() {
        let secret = "s".repeat(48);
        let m = mint(&secret, &req(Role::Device, Some("V-7"))).unwrap();
        let auth = Verifier::new(&AuthConfig::Secret(secret.as_bytes().to_vec())).unwrap();
        let claims = auth.verify(&m.token).unwrap();
        assert_eq!(claims.user_id, "truck-7");
        assert_eq!(claims.role, Role::Device);
        assert_eq!(claims.vehicle_id.as_deref(), Some("V-7"));
        let other = Verifier::new(&AuthConfig::Secret(
            b"other-secret-other-secret-other-secret".to_vec(),
        ))
        .unwrap();
        assert!(other.verify(&m.token).is_err(), "another secret refuses it");
        let payload: serde_json::Value = serde_json::from_str(&m.payload).unwrap();
        assert_eq!(payload["url"], "http://192.168.1.20:4700");
        assert_eq!(payload["token"], m.token.as_str());
        assert!(
            m.qr_svg.starts_with("<?xml") && m.qr_svg.contains("<svg"),
            "{}",
            &m.qr_svg[..60]
        );
    }
}
