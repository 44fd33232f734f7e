//! Converts the built-in catalogues (`catalogues/*.toml`) to JSON in `OUT_DIR`, which the
//! binary embeds: `generate` reads a catalogue on every run, and JSON reads several times
//! faster than TOML. The TOML files stay the source; a unit test checks both read the same.

use std::path::PathBuf;
use std::{env, fs};

const CATALOGUES: [&str; 4] = [
    "server-side-sync",
    "app-for-outlook",
    "app-for-outlook-views",
    "exchange-sync",
];

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalogues");
    fs::create_dir_all(&out).expect("OUT_DIR/catalogues can be made");
    for name in CATALOGUES {
        let path = format!("catalogues/{name}.toml");
        println!("cargo::rerun-if-changed={path}");
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let document: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("{path} is not TOML: {e}"));
        let json = serde_json::to_string(&document).expect("a TOML table converts to JSON");
        fs::write(out.join(format!("{name}.json")), json).expect("OUT_DIR is writable");
    }
}
