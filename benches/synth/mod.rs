//! A synthetic customizations.xml shaped like a large real export: many `<Entity>` blocks
//! with attributes, then `<Roles>` with many roles of hundreds of `<RolePrivilege>` each.
//! The same seed and size give the same bytes.

use std::io::{self, Write};

/// The privileges Server-Side Sync needs, so that roles hold some of them at some depth.
const SYNC: [&str; 8] = [
    "prvReadEmailServerProfile",
    "prvReadMailbox",
    "prvWriteMailbox",
    "prvReadOrganization",
    "prvReadContact",
    "prvReadActivity",
    "prvReadQueue",
    "prvSyncToOutlook",
];
const LEVELS: [&str; 4] = ["Basic", "Local", "Deep", "Global"];
const ACTIONS: [&str; 8] = [
    "Create", "Read", "Write", "Delete", "Append", "AppendTo", "Assign", "Share",
];

/// A small deterministic generator (64-bit LCG), so no crate is needed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Counts what went out.
struct Counting<W> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// What was generated.
pub struct Generated {
    /// Bytes written.
    pub bytes: u64,
    /// `<Entity>` blocks.
    pub entities: u64,
    /// Roles.
    pub roles: u64,
    /// `<RolePrivilege>` elements.
    pub privileges: u64,
}

/// Writes about `target` bytes: half entities, half roles.
pub fn generate(out: impl Write, target: u64, seed: u64) -> io::Result<Generated> {
    let mut w = Counting {
        inner: io::BufWriter::with_capacity(1 << 20, out),
        written: 0,
    };
    let mut rng = Lcg(seed);
    let mut g = Generated {
        bytes: 0,
        entities: 0,
        roles: 0,
        privileges: 0,
    };
    w.write_all(b"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<ImportExportXml xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\r\n  <Entities>\r\n")?;
    while w.written < target / 2 {
        let e = g.entities;
        write!(
            w,
            "    <Entity>\r\n      <Name LocalizedName=\"Entity {e}\" OriginalName=\"Entity {e}\">new_entity{e}</Name>\r\n      <ObjectTypeCode>{}</ObjectTypeCode>\r\n      <EntityInfo>\r\n        <entity Name=\"new_entity{e}\">\r\n          <LocalizedNames>\r\n            <LocalizedName description=\"Entity {e}\" languagecode=\"1033\" />\r\n          </LocalizedNames>\r\n          <attributes>\r\n",
            10_000 + e
        )?;
        for a in 0..(20 + rng.below(40)) {
            write!(
                w,
                "            <attribute PhysicalName=\"new_Field{a}\">\r\n              <Type>nvarchar</Type>\r\n              <Name>new_field{a}</Name>\r\n              <LogicalName>new_field{a}</LogicalName>\r\n              <RequiredLevel>none</RequiredLevel>\r\n              <DisplayMask>ValidForAdvancedFind|ValidForForm|ValidForGrid</DisplayMask>\r\n              <IsCustomizable>1</IsCustomizable>\r\n              <Format>text</Format>\r\n              <MaxLength>{}</MaxLength>\r\n              <displaynames>\r\n                <displayname description=\"Field {a} &amp; more\" languagecode=\"1033\" />\r\n              </displaynames>\r\n            </attribute>\r\n",
                50 + rng.below(4000)
            )?;
        }
        w.write_all(b"          </attributes>\r\n        </entity>\r\n      </EntityInfo>\r\n    </Entity>\r\n")?;
        g.entities += 1;
    }
    w.write_all(b"  </Entities>\r\n  <Roles>\r\n")?;
    while w.written < target {
        let r = g.roles;
        write!(
            w,
            "    <Role id=\"{{{:08x}-0000-4000-8000-{:012x}}}\" name=\"Role {r}\">\r\n      <IsCustomizable>1</IsCustomizable>\r\n      <IsAutoAssigned>0</IsAutoAssigned>\r\n      <RolePrivileges>\r\n",
            r, r
        )?;
        let count = 200 + rng.below(400);
        for i in 0..count {
            let level = LEVELS[rng.below(4) as usize];
            if i < SYNC.len() as u64 && rng.below(3) > 0 {
                write!(
                    w,
                    "        <RolePrivilege name=\"{}\" level=\"{level}\" />\r\n",
                    SYNC[i as usize]
                )?;
            } else {
                write!(
                    w,
                    "        <RolePrivilege name=\"prv{}new_entity{}\" level=\"{level}\" />\r\n",
                    ACTIONS[rng.below(8) as usize],
                    rng.below(g.entities.max(1))
                )?;
            }
        }
        w.write_all(b"      </RolePrivileges>\r\n    </Role>\r\n")?;
        g.roles += 1;
        g.privileges += count;
    }
    w.write_all(b"  </Roles>\r\n  <AppModules>\r\n    <AppModule>\r\n      <AppModuleRoleMaps>\r\n        <Role id=\"{00000000-0000-4000-8000-000000000001}\" />\r\n      </AppModuleRoleMaps>\r\n    </AppModule>\r\n  </AppModules>\r\n  <Languages>\r\n    <Language>1033</Language>\r\n  </Languages>\r\n</ImportExportXml>\r\n")?;
    w.flush()?;
    g.bytes = w.written;
    Ok(g)
}
