//! Bulk writes as multi-row `INSERT … VALUES` statements with bound parameters.
//!
//! sqlx runs SQLite on a thread of its own, so every statement executed is a round trip to
//! that thread and back (two thread wake-ups). Writing 10,000 rows one statement each costs
//! 10,000 round trips; passing them as one JSON text costs a parse of that text inside
//! SQLite, twice per row for `json_each` + `->>`. A multi-row `VALUES` list binds each value
//! directly, but its SQL text depends on the row count, and each new text is a new prepare.
//! So rows go in chunks whose sizes come from a short fixed ladder: at most
//! [`LADDER`]`.len()` distinct statement texts per table, each prepared once per connection
//! and then taken from sqlx's statement cache.

use sqlx::query_builder::Separated;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use crate::error::ServerError;

/// The chunk sizes, largest first; ending in 1 so that any count can be made of them.
/// 256 rows of 9 columns are 2,304 parameters, well under SQLite's 32,766.
pub const LADDER: [usize; 4] = [256, 32, 4, 1];

/// Splits `rows` greedily into chunks whose lengths are all in [`LADDER`].
pub fn chunks<T>(rows: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = rows;
    std::iter::from_fn(move || {
        let size = LADDER.iter().copied().find(|&s| s <= rest.len())?;
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        Some(chunk)
    })
}

/// Executes `head VALUES (…), (…) tail` for every chunk of `rows`, in one transaction: the
/// whole batch commits or none of it. Nothing happens for no rows. `bind` pushes one row's
/// values, in the column order of `head`.
pub async fn insert_values<T>(
    pool: &SqlitePool,
    head: &str,
    tail: &str,
    rows: &[T],
    mut bind: impl FnMut(&mut Separated<'_, Sqlite, &'static str>, &T),
) -> Result<(), ServerError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut tx = pool.begin().await?;
    for chunk in chunks(rows) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(head);
        q.push_values(chunk, |mut b, row| bind(&mut b, row));
        q.push(tail);
        q.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(n: usize) -> Vec<usize> {
        let rows: Vec<usize> = (0..n).collect();
        chunks(&rows).map(<[usize]>::len).collect()
    }

    #[test]
    fn chunks_cover_every_row_once_in_order() {
        let rows: Vec<usize> = (0..1000).collect();
        let joined: Vec<usize> = chunks(&rows).flatten().copied().collect();
        assert_eq!(joined, rows);
    }

    #[test]
    fn chunk_sizes_come_from_the_ladder_largest_first() {
        assert_eq!(sizes(0), Vec::<usize>::new());
        assert_eq!(sizes(1), vec![1]);
        assert_eq!(sizes(7), vec![4, 1, 1, 1]);
        assert_eq!(
            sizes(1000),
            [vec![256; 3], vec![32; 7], vec![4; 2]].concat()
        );
        for n in 0..2000 {
            let s = sizes(n);
            assert_eq!(s.iter().sum::<usize>(), n);
            assert!(s.iter().all(|c| LADDER.contains(c)));
            assert!(s.windows(2).all(|w| w[0] >= w[1]));
        }
    }

    #[test]
    fn a_batch_takes_few_statements() {
        // Below the largest size, at most (ladder step - 1) chunks of each smaller size.
        assert!(sizes(255).len() <= 7 + 7 + 3);
        assert_eq!(sizes(10_000).len(), 39 + 4);
    }
}
