//! Results as rows of named cells, rendered as aligned text or Markdown tables.

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::Value;

/// One measured run of a scenario against one server.
#[derive(Debug, Clone)]
pub struct Record {
    /// Scenario name.
    pub scenario: String,
    /// Cells in column order (parameters first, then measurements).
    pub cells: Vec<(String, Value)>,
}

impl Record {
    /// An empty record of `scenario`.
    pub fn new(scenario: &str) -> Self {
        Self {
            scenario: scenario.to_owned(),
            cells: Vec::new(),
        }
    }

    /// Sets a cell (replacing one of the same name, else appended).
    pub fn set(&mut self, key: &str, value: impl Into<Value>) -> &mut Self {
        let value = value.into();
        match self.cells.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.cells.push((key.to_owned(), value)),
        }
        self
    }

    /// A cell's value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.cells.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// A numeric cell.
    pub fn num(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(Value::as_f64)
    }
}

impl Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.cells.len() + 1))?;
        map.serialize_entry("scenario", &self.scenario)?;
        for (k, v) in &self.cells {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Formats a cell: integers with thousands separators, other numbers with 1–2 decimals.
pub fn format_value(v: &Value) -> String {
    match v {
        Value::Null => "–".to_owned(),
        Value::String(s) => s.clone(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                group_thousands(i)
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                if f.abs() >= 100.0 {
                    group_thousands(f.round() as i64)
                } else if f.abs() >= 10.0 {
                    format!("{f:.1}")
                } else {
                    format!("{f:.2}")
                }
            }
        }
        other => other.to_string(),
    }
}

fn group_thousands(i: i64) -> String {
    let digits = i.unsigned_abs().to_string();
    let mut out = String::new();
    for (n, c) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if i < 0 { format!("-{out}") } else { out }
}

/// Column names: the union of the records' keys, in first-seen order.
fn columns(records: &[Record]) -> Vec<String> {
    let mut cols: Vec<String> = Vec::new();
    for r in records {
        for (k, _) in &r.cells {
            if !cols.contains(k) {
                cols.push(k.clone());
            }
        }
    }
    cols
}

fn grid(records: &[Record]) -> (Vec<String>, Vec<Vec<String>>) {
    let cols = columns(records);
    let rows = records
        .iter()
        .map(|r| {
            cols.iter()
                .map(|c| r.get(c).map_or_else(|| "–".to_owned(), format_value))
                .collect()
        })
        .collect();
    (cols, rows)
}

/// A Markdown table of the records.
pub fn markdown(records: &[Record]) -> String {
    let (cols, rows) = grid(records);
    let mut out = format!("| {} |\n", cols.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(cols.len())));
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

/// An aligned plain-text table of the records.
pub fn text(records: &[Record]) -> String {
    let (cols, rows) = grid(records);
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([cols[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..cols.len()).map(width).collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    let mut out = line(&cols);
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Vec<Record> {
        let mut a = Record::new("broadcast");
        a.set("server", "opsdeck")
            .set("n", 10000)
            .set("p99 ms", 12.345);
        let mut b = Record::new("broadcast");
        b.set("server", "node").set("n", 500).set("lost", 0);
        vec![a, b]
    }

    #[test]
    fn values_are_formatted_for_reading() {
        assert_eq!(format_value(&json!(1234567)), "1,234,567");
        assert_eq!(format_value(&json!(-1234)), "-1,234");
        assert_eq!(format_value(&json!(999)), "999");
        assert_eq!(format_value(&json!(1.23456)), "1.23");
        assert_eq!(format_value(&json!(31.4159)), "31.4");
        assert_eq!(format_value(&json!(3141.59)), "3,142");
        assert_eq!(format_value(&Value::Null), "–");
        assert_eq!(format_value(&json!("ok")), "ok");
    }

    #[test]
    fn markdown_has_the_union_of_columns() {
        let md = markdown(&sample());
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(lines[0], "| server | n | p99 ms | lost |");
        assert_eq!(lines[1], "|---|---|---|---|");
        assert_eq!(lines[2], "| opsdeck | 10,000 | 12.3 | – |");
        assert_eq!(lines[3], "| node | 500 | – | 0 |");
    }

    #[test]
    fn text_is_right_aligned() {
        let t = text(&sample());
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], " server       n  p99 ms  lost");
        assert_eq!(lines[1], "opsdeck  10,000    12.3     –");
        assert_eq!(lines[2], "   node     500       –     0");
    }

    #[test]
    fn json_keeps_column_order() {
        let s = serde_json::to_string(&sample()[0]).expect("json");
        assert_eq!(
            s,
            r#"{"scenario":"broadcast","server":"opsdeck","n":10000,"p99 ms":12.345}"#
        );
    }
}
