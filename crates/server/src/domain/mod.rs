//! Pure logic, no sockets and no database: presence transitions, rate limiting, cursors.

pub mod cursor;
pub mod presence;
pub mod rate_limit;
