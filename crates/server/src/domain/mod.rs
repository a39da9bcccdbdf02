//! Pure logic, no sockets and no database: presence transitions, rate limiting, cursors.

pub mod cursor;
pub mod fuel;
pub mod geo;
pub mod kpi;
pub mod presence;
pub mod rate_limit;
pub mod recent;
pub mod speed;
