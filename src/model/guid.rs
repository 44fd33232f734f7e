//! GUIDs as solution files write them: hyphenated, lowercase, in braces.

use uuid::Uuid;

/// The namespace under which dvrole derives role ids (UUID v5). Never change it: every
/// role dvrole has built keeps its id only while this stays the same.
pub const ROLE_NAMESPACE: Uuid = Uuid::from_u128(0xec41_b90e_0cf6_4fdd_bfc0_987a_7ad9_8fc4);

/// Parses a GUID the way the customizations schema accepts it: 8-4-4-4-12 hex digits,
/// optionally in braces, in any case.
pub fn parse(text: &str) -> Option<Uuid> {
    let inner = match text.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}')?,
        None => text,
    };
    let groups: Vec<&str> = inner.split('-').collect();
    let shape_ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if !shape_ok {
        return None;
    }
    Uuid::parse_str(inner).ok()
}

/// Writes a GUID as solution files do: `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}`, lowercase.
pub fn braced(id: Uuid) -> String {
    format!("{{{}}}", id.hyphenated())
}

/// The role id dvrole derives when none is given: UUID v5 of `publisher:role name` under
/// [`ROLE_NAMESPACE`]. Rebuilding with the same publisher and role name gives the same id,
/// so an import updates the role instead of creating or rejecting a second one.
pub fn derived_role_id(publisher_unique_name: &str, role_name: &str) -> Uuid {
    Uuid::new_v5(
        &ROLE_NAMESPACE,
        format!("{publisher_unique_name}:{role_name}").as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_braces_and_any_case() {
        let a = parse("{D5DC4257-ECF0-EF11-BE21-6045BD005939}").unwrap();
        let b = parse("d5dc4257-ecf0-ef11-be21-6045bd005939").unwrap();
        assert_eq!(a, b);
        assert_eq!(braced(a), "{d5dc4257-ecf0-ef11-be21-6045bd005939}");
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in [
            "",
            "{}",
            "d5dc4257ecf0ef11be216045bd005939",
            "{d5dc4257-ecf0-ef11-be21-6045bd005939",
            "d5dc4257-ecf0-ef11-be21-6045bd00593g",
            "urn:uuid:d5dc4257-ecf0-ef11-be21-6045bd005939",
            "d5dc4257-ecf0-ef11-be21-6045bd0059391",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn derived_id_is_stable() {
        let a = derived_role_id("dvrole", "Server-Side Sync User");
        assert_eq!(a, derived_role_id("dvrole", "Server-Side Sync User"));
        assert_ne!(a, derived_role_id("dvrole", "Server-Side Sync Users"));
        assert_ne!(a, derived_role_id("other", "Server-Side Sync User"));
        assert_eq!(a.get_version_num(), 5);
    }
}
