//! The chart of BENCHMARKS.md: broadcast p99 latency and server RSS against N, both servers,
//! drawn with plotters' bitmap backend. Text uses a TrueType font read at run time (DejaVu or
//! Liberation Sans); without one the chart is drawn without any text.

use std::path::Path;
use std::sync::OnceLock;

use anyhow::anyhow;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::table::Record;

const FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];

/// Registers a font for "sans-serif" once; false when none could be loaded.
fn font() -> bool {
    static OK: OnceLock<bool> = OnceLock::new();
    *OK.get_or_init(|| {
        FONTS.iter().any(|p| {
            let Ok(bytes) = std::fs::read(p) else {
                return false;
            };
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            plotters::style::register_font("sans-serif", FontStyle::Normal, bytes).is_ok()
        })
    })
}

/// (N, value) points of `metric` for `server` in `scenario`, sorted by N.
pub fn series(records: &[Record], scenario: &str, server: &str, metric: &str) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = records
        .iter()
        .filter(|r| {
            r.scenario == scenario && r.get("server").and_then(|v| v.as_str()) == Some(server)
        })
        .filter_map(|r| Some((r.num("n")?, r.num(metric)?)))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    pts
}

/// One line of a panel: name, colour, points.
type Line = (&'static str, RGBColor, Vec<(f64, f64)>);

type Panel<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

fn panel(
    area: &Panel<'_>,
    title: &str,
    y_desc: &str,
    lines: &[Line],
    text: bool,
) -> anyhow::Result<()> {
    let err = |e: &dyn std::fmt::Display| anyhow!("chart: {e}");
    let xmax = lines
        .iter()
        .flat_map(|l| &l.2)
        .map(|p| p.0)
        .fold(1.0, f64::max)
        * 1.05;
    let ymax = lines
        .iter()
        .flat_map(|l| &l.2)
        .map(|p| p.1)
        .fold(1.0, f64::max)
        * 1.15;
    let mut b = ChartBuilder::on(area);
    b.margin(15)
        .x_label_area_size(if text { 40 } else { 5 })
        .y_label_area_size(if text { 60 } else { 5 });
    if text {
        b.caption(title, ("sans-serif", 20));
    }
    let mut chart = b
        .build_cartesian_2d(0f64..xmax, 0f64..ymax)
        .map_err(|e| err(&e))?;
    let mut mesh = chart.configure_mesh();
    if text {
        mesh.x_desc("N (sockets)")
            .y_desc(y_desc)
            .x_labels(6)
            .y_labels(8)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .label_style(("sans-serif", 14));
    } else {
        mesh.x_labels(0).y_labels(0);
    }
    mesh.draw().map_err(|e| err(&e))?;
    for (name, color, pts) in lines {
        let color = *color;
        let s = chart
            .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
            .map_err(|e| err(&e))?;
        if text {
            s.label(*name).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        }
        chart
            .draw_series(pts.iter().map(|p| Circle::new(*p, 4, color.filled())))
            .map_err(|e| err(&e))?;
    }
    if text {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(("sans-serif", 14))
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()
            .map_err(|e| err(&e))?;
    }
    Ok(())
}

/// Draws the chart to `path` (PNG, 1200×500).
pub fn draw(records: &[Record], path: &Path) -> anyhow::Result<()> {
    let text = font();
    let root = BitMapBackend::new(path, (1200, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow!("chart: {e}"))?;
    let (left, right) = root.split_horizontally(600);
    let ops = RGBColor(0x1f, 0x6f, 0xd1);
    let node = RGBColor(0x3c, 0x99, 0x3c);
    let line =
        |server: &str, scenario: &str, metric: &str| series(records, scenario, server, metric);
    panel(
        &left,
        "Broadcast latency p99 (paced)",
        "ms",
        &[
            ("opsdeck", ops, line("opsdeck", "broadcast", "p99 ms")),
            ("node socket.io", node, line("node", "broadcast", "p99 ms")),
        ],
        text,
    )?;
    panel(
        &right,
        "Server RSS with N idle connections",
        "MiB",
        &[
            (
                "opsdeck",
                ops,
                line("opsdeck", "connections", "RSS with N MiB"),
            ),
            (
                "node socket.io",
                node,
                line("node", "connections", "RSS with N MiB"),
            ),
        ],
        text,
    )?;
    root.present().map_err(|e| anyhow!("chart: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_png_with_both_series() {
        let mut records = Vec::new();
        for (server, n, p99, rss) in [
            ("opsdeck", 100.0, 2.0, 10.0),
            ("opsdeck", 1000.0, 5.0, 40.0),
            ("node", 100.0, 4.0, 60.0),
            ("node", 1000.0, 9.0, 90.0),
        ] {
            let mut b = Record::new("broadcast");
            b.set("server", server).set("n", n).set("p99 ms", p99);
            let mut c = Record::new("connections");
            c.set("server", server)
                .set("n", n)
                .set("RSS with N MiB", rss);
            records.extend([b, c]);
        }
        assert_eq!(
            series(&records, "broadcast", "node", "p99 ms"),
            vec![(100.0, 4.0), (1000.0, 9.0)]
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("chart.png");
        draw(&records, &path).expect("draw");
        let bytes = std::fs::read(&path).expect("png written");
        assert_eq!(&bytes[1..4], b"PNG");
        assert!(bytes.len() > 5_000, "a chart with lines, not a blank image");
    }
}
