//! `tailor-dist`: the release steps of `make dist` that the Tauri bundler
//! cannot do on a machine without GitHub. `appimage` packs the file tree of
//! the bundler's `.deb` into an AppImage; `manifest` writes the updater's
//! `latest.json` from the signed artifacts.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use clap::{Parser, Subcommand};
use serde::Serialize;

#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Packs the app tree of the bundler's .deb (its `data` folder) into an AppImage.
    Appimage {
        /// The `data` folder beside the .deb (`…/bundle/deb/<name>/data`).
        #[arg(long)]
        deb_root: PathBuf,
        /// The AppImage to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Writes the updater's latest.json from artifacts and their `.sig` files.
    Manifest {
        #[arg(long)]
        version: String,
        /// Release notes (a text or Markdown file).
        #[arg(long)]
        notes: Option<PathBuf>,
        /// Where the artifacts will be served; each URL is this plus the file name.
        #[arg(long)]
        base_url: String,
        #[arg(long)]
        appimage: PathBuf,
        #[arg(long)]
        deb: Option<PathBuf>,
        #[arg(long)]
        rpm: Option<PathBuf>,
        /// RFC 3339; now when left out.
        #[arg(long)]
        pub_date: Option<String>,
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Appimage { deb_root, out } => appimage(&deb_root, &out),
        Command::Manifest { version, notes, base_url, appimage, deb, rpm, pub_date, out } => {
            let notes = notes.map(|n| std::fs::read_to_string(&n).with_context(|| format!("reading {}", n.display())));
            let pub_date = match pub_date {
                Some(d) => d.parse::<jiff::Timestamp>().with_context(|| format!("--pub-date {d}"))?,
                None => jiff::Timestamp::now(),
            };
            let artifacts = [("appimage", Some(appimage)), ("deb", deb), ("rpm", rpm)];
            let manifest = manifest(&version, notes.transpose()?, pub_date, &base_url, &artifacts)?;
            let json = serde_json::to_string_pretty(&manifest)?;
            std::fs::write(&out, json + "\n").with_context(|| format!("writing {}", out.display()))?;
            println!("{}", out.display());
            Ok(())
        }
    }
}

/// The binary's bundle-type marker, which the updater reads to pick its
/// installer. The Tauri bundler writes one per bundle; ours says AppImage.
const DEB_MARKER: &[u8] = b"__TAURI_BUNDLE_TYPE_VAR_DEB";
const APPIMAGE_MARKER: &[u8] = b"__TAURI_BUNDLE_TYPE_VAR_APP";

/// Rewrites the bundle-type marker in place; it must occur exactly once.
fn mark_as_appimage(binary: &mut [u8]) -> Result<()> {
    let at: Vec<usize> =
        binary.windows(DEB_MARKER.len()).enumerate().filter(|(_, w)| *w == DEB_MARKER).map(|(i, _)| i).collect();
    match at.as_slice() {
        [i] => {
            binary[*i..*i + APPIMAGE_MARKER.len()].copy_from_slice(APPIMAGE_MARKER);
            Ok(())
        }
        [] => bail!("the binary has no .deb bundle-type marker: is this the tree of a Tauri .deb?"),
        more => bail!("the binary has {} .deb bundle-type markers, expected one", more.len()),
    }
}

fn appimage(deb_root: &Path, out: &Path) -> Result<()> {
    const NAME: &str = "tailor-app";
    let binary = deb_root.join("usr/bin").join(NAME);
    ensure!(binary.is_file(), "{} is missing: build the .deb first (make dist)", binary.display());
    let desktop = first_file(&deb_root.join("usr/share/applications"), "desktop")?;
    let icon = deb_root.join("usr/share/icons/hicolor/128x128/apps").join(format!("{NAME}.png"));
    ensure!(icon.is_file(), "{} is missing", icon.display());

    let work = out.parent().unwrap_or(Path::new(".")).join("appimage-build");
    std::fs::create_dir_all(&work)?;
    let app = appimage::AppImage::new(&work, NAME.to_string())?;
    app.add_directory(&deb_root.join("usr"), Path::new("usr"))?;
    let packed = app.appdir().join("usr/bin").join(NAME);
    let mut bytes = std::fs::read(&packed)?;
    mark_as_appimage(&mut bytes)?;
    std::fs::write(&packed, bytes)?;
    // The AppDir's entry point, desktop entry and icon, as the AppImage spec asks.
    std::os::unix::fs::symlink(format!("usr/bin/{NAME}"), app.appdir().join("AppRun"))?;
    app.add_file(&desktop, Path::new(&format!("{NAME}.desktop")))?;
    app.add_icon(&icon)?;
    if out.exists() {
        std::fs::remove_file(out)?;
    }
    app.build(out, None)
        .with_context(|| format!("packing {} (needs mksquashfs from squashfs-tools)", out.display()))?;
    std::fs::remove_dir_all(&work).ok();
    println!("{}", out.display());
    Ok(())
}

fn first_file(dir: &Path, ext: &str) -> Result<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    found.sort();
    found.into_iter().next().with_context(|| format!("no .{ext} file in {}", dir.display()))
}

/// tauri-plugin-updater's static manifest.
#[derive(Debug, Serialize)]
struct Manifest {
    version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    pub_date: String,
    platforms: std::collections::BTreeMap<String, Platform>,
}

#[derive(Debug, Serialize)]
struct Platform {
    signature: String,
    url: String,
}

fn manifest(
    version: &str,
    notes: Option<String>,
    pub_date: jiff::Timestamp,
    base_url: &str,
    artifacts: &[(&str, Option<PathBuf>)],
) -> Result<Manifest> {
    let mut platforms = std::collections::BTreeMap::new();
    for (installer, path) in artifacts {
        let Some(path) = path else { continue };
        let sig_path = PathBuf::from(format!("{}.sig", path.display()));
        let signature = std::fs::read_to_string(&sig_path)
            .with_context(|| format!("{} has no signature ({}): sign it first", path.display(), sig_path.display()))?;
        let name = path.file_name().and_then(|n| n.to_str()).context("artifact path has no file name")?;
        let url = format!("{}/{}", base_url.trim_end_matches('/'), name);
        let entry = || Platform { signature: signature.trim().to_string(), url: url.clone() };
        platforms.insert(format!("linux-x86_64-{installer}"), entry());
        // An updater that cannot tell its bundle type looks for the plain target.
        if *installer == "appimage" {
            platforms.insert("linux-x86_64".to_string(), entry());
        }
    }
    ensure!(!platforms.is_empty(), "no artifacts given");
    Ok(Manifest { version: version.to_string(), notes, pub_date: pub_date.to_string(), platforms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_becomes_appimage_once() {
        let mut bin = b"\x7fELF..__TAURI_BUNDLE_TYPE_VAR_DEB..rest".to_vec();
        mark_as_appimage(&mut bin).unwrap();
        assert_eq!(bin, b"\x7fELF..__TAURI_BUNDLE_TYPE_VAR_APP..rest".to_vec());
        // Already marked (or never a .deb binary): refused, not silently shipped.
        assert!(mark_as_appimage(&mut bin).unwrap_err().to_string().contains("no .deb bundle-type marker"));
        let mut twice = [DEB_MARKER, DEB_MARKER].concat();
        assert!(mark_as_appimage(&mut twice).unwrap_err().to_string().contains("2 .deb bundle-type markers"));
    }

    #[test]
    fn the_manifest_names_each_installer_and_needs_signatures() {
        let dir = tempfile::tempdir().unwrap();
        let app = dir.path().join("Tailor_0.2.0_amd64.AppImage");
        let deb = dir.path().join("Tailor_0.2.0_amd64.deb");
        std::fs::write(&app, b"app").unwrap();
        std::fs::write(&deb, b"deb").unwrap();
        std::fs::write(dir.path().join("Tailor_0.2.0_amd64.AppImage.sig"), "c2lnLWFwcA==\n").unwrap();
        let at: jiff::Timestamp = "2026-12-06T12:00:00Z".parse().unwrap();
        // The .deb is not signed yet: the manifest is refused, not written without it.
        let err = manifest(
            "0.2.0",
            None,
            at,
            "https://u.example/t/",
            &[("appimage", Some(app.clone())), ("deb", Some(deb.clone()))],
        )
        .unwrap_err();
        assert!(err.to_string().contains("has no signature"), "{err}");
        std::fs::write(dir.path().join("Tailor_0.2.0_amd64.deb.sig"), "c2lnLWRlYg==").unwrap();
        let m = manifest(
            "0.2.0",
            Some("Faster".into()),
            at,
            "https://u.example/t/",
            &[("appimage", Some(app)), ("deb", Some(deb))],
        )
        .unwrap();
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["version"], "0.2.0");
        assert_eq!(json["pub_date"], "2026-12-06T12:00:00Z");
        assert_eq!(
            json["platforms"]["linux-x86_64-appimage"]["url"],
            "https://u.example/t/Tailor_0.2.0_amd64.AppImage"
        );
        assert_eq!(json["platforms"]["linux-x86_64"]["signature"], "c2lnLWFwcA==");
        assert_eq!(json["platforms"]["linux-x86_64-deb"]["signature"], "c2lnLWRlYg==");
        assert_eq!(json["platforms"].as_object().unwrap().len(), 3);
    }
}
