//! `snapshot` of a port group (several `--db`, or `[[yards]]` in the config file):
//! JSON `{"yards": [...]}` with one object per yard as for a single yard, Prometheus
//! series of every yard (each carries its `locode`) in one exposition, and the group
//! overview as text. A yard that cannot be read is named on stderr and in the JSON;
//! it never blanks the others. See docs/operations.md ("Operations centre").

use crate::cli::{SnapshotArgs, SnapshotFormat};
use crate::ctx::Ctx;
use crate::error::{write_stdout, Result, UserError};
use crate::ui::group::{yard_line, GroupState, YardLine};
use crate::ui::keys::KeyTable;
use crate::ui::reader::ReaderState;
use crate::ui::{DashData, RenderOptions};

/// One yard as read for the snapshot.
struct Read {
    name: String,
    path: String,
    data: std::result::Result<DashData, String>,
}

fn read_all(ctx: &Ctx) -> Vec<Read> {
    let now = ctx.now();
    ctx.yards
        .iter()
        .map(|y| {
            let data = crate::db::open_read_only(&y.path)
                .map_err(|e| e.message)
                .and_then(|conn| {
                    crate::ui::load_dash_data(&conn, now)
                        .map_err(|e| crate::error::db_error(&y.path, &e).message)
                });
            Read {
                name: y.name.clone(),
                path: y.path.display().to_string(),
                data,
            }
        })
        .collect()
}

pub fn run(ctx: &Ctx, args: &SnapshotArgs) -> Result<i32> {
    let yards = read_all(ctx);
    let out = match args.format {
        SnapshotFormat::Json if ctx.ascii => super::json::to_ascii(&json(&yards)),
        SnapshotFormat::Json => json(&yards),
        SnapshotFormat::Prometheus => prometheus(&yards),
        SnapshotFormat::Text => text(ctx, &yards, args.width, args.height),
        SnapshotFormat::Csv => {
            return Err(UserError::usage(
                "--format csv --alert lists the subjects of one yard's alert: give that yard's --db \
                 alone (a group prints text, json or prometheus)",
            ))
        }
    };
    write_stdout(out.as_bytes(), "the snapshot")?;
    let mut failed = 0;
    for y in &yards {
        if let Err(why) = &y.data {
            failed += 1;
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "yardtop: yard {} ({}): {why}", y.name, y.path);
        }
    }
    Ok(if failed > 0 { 1 } else { 0 })
}

/// A yard that could not be read, in the group's JSON.
#[derive(serde::Serialize)]
struct Unread<'a> {
    name: &'a str,
    db: &'a str,
    error: &'a str,
}

/// `{"yards": [...]}`, each yard's object exactly as a single yard's snapshot prints
/// it (same keys, same order), indented one level deeper.
fn json(yards: &[Read]) -> String {
    let objects: Vec<String> = yards
        .iter()
        .map(|y| {
            let one = match &y.data {
                Ok(d) => super::json::render(&d.figures),
                Err(why) => {
                    let u = Unread {
                        name: &y.name,
                        db: &y.path,
                        error: why,
                    };
                    super::json::escape_invisible(
                        &serde_json::to_string_pretty(&u).unwrap_or_else(|_| "{}".into()),
                    )
                }
            };
            one.trim_end()
                .lines()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    format!("{{\n  \"yards\": [\n{}\n  ]\n}}\n", objects.join(",\n"))
}

fn prometheus(yards: &[Read]) -> String {
    let texts: Vec<String> = yards
        .iter()
        .filter_map(|y| {
            let d = y.data.as_ref().ok()?;
            Some(super::prometheus::render(
                &d.figures,
                super::prometheus::last_change(std::path::Path::new(&y.path)),
            ))
        })
        .collect();
    merge_expositions(&texts)
}

/// Several yards' expositions as one: every metric family once, its HELP and TYPE
/// once, then the series of every yard (they differ by `locode`). Concatenating the
/// files instead would repeat families, which the exposition format forbids.
pub fn merge_expositions(texts: &[String]) -> String {
    let mut order: Vec<String> = Vec::new();
    let mut families: std::collections::HashMap<String, (Vec<String>, Vec<String>)> = Default::default();
    for text in texts {
        let mut current = String::new();
        for line in text.lines() {
            if let Some(rest) = line
                .strip_prefix("# HELP ")
                .or_else(|| line.strip_prefix("# TYPE "))
            {
                let name = rest.split_whitespace().next().unwrap_or_default().to_string();
                if !families.contains_key(&name) {
                    order.push(name.clone());
                }
                let f = families.entry(name.clone()).or_default();
                if !f.0.iter().any(|h| h == line) {
                    f.0.push(line.to_string());
                }
                current = name;
            } else if !line.trim().is_empty() && !line.starts_with('#') {
                let name = if current.is_empty() {
                    line.split(['{', ' ']).next().unwrap_or_default().to_string()
                } else {
                    current.clone()
                };
                if !families.contains_key(&name) {
                    order.push(name.clone());
                }
                families.entry(name).or_default().1.push(line.to_string());
            }
        }
    }
    let mut out = String::new();
    for name in order {
        if let Some((heads, samples)) = families.get(&name) {
            for l in heads.iter().chain(samples) {
                out.push_str(l);
                out.push('\n');
            }
        }
    }
    out
}

fn text(ctx: &Ctx, yards: &[Read], width: u16, height: u16) -> String {
    let now = ctx.now();
    let lines: Vec<YardLine> = yards
        .iter()
        .map(|y| match &y.data {
            Ok(d) => yard_line(
                &y.name,
                Some(d),
                Some(&ReaderState::Live { last_change: None }),
                now,
            ),
            Err(why) => yard_line(
                &y.name,
                None,
                Some(&ReaderState::Unreachable {
                    reason: why.clone(),
                    since: now,
                }),
                now,
            ),
        })
        .collect();
    let mut opts = RenderOptions::from_ctx(ctx, now);
    opts.live = crate::ui::LiveState::Snapshot;
    if opts.tz.is_none() {
        opts.tz = yards
            .iter()
            .find_map(|y| y.data.as_ref().ok())
            .and_then(|d| crate::time::parse_tz(&d.figures.timezone));
    }
    let (w, h) = (width.max(1), height.max(1));
    let mut buf = ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, w, h));
    crate::ui::render::group::draw(
        buf.area,
        &mut buf,
        &lines,
        &GroupState::default(),
        &KeyTable::default(),
        &opts,
    );
    crate::ui::buffer_text(&buf)
}

#[cfg(test)]
mod tests {
    use super::merge_expositions;

    #[test]
    fn families_appear_once_with_every_yards_series() {
        let a = "# HELP m_units Units.\n# TYPE m_units gauge\nm_units{locode=\"CNXMN\"} 1\n# HELP n Other.\n# TYPE n gauge\nn{locode=\"CNXMN\"} 2\n";
        let b = "# HELP m_units Units.\n# TYPE m_units gauge\nm_units{locode=\"CNSYU\"} 3\n# HELP n Other.\n# TYPE n gauge\nn{locode=\"CNSYU\"} 4\n";
        let merged = merge_expositions(&[a.to_string(), b.to_string()]);
        assert_eq!(
            merged,
            "# HELP m_units Units.\n# TYPE m_units gauge\nm_units{locode=\"CNXMN\"} 1\nm_units{locode=\"CNSYU\"} 3\n# HELP n Other.\n# TYPE n gauge\nn{locode=\"CNXMN\"} 2\nn{locode=\"CNSYU\"} 4\n"
        );
    }
}
