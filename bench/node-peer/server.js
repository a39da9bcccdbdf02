// The Node.js peer opsdeck-bench measures Opsdeck against: a socket.io v4 backend written the
// way the reference documents (shared/seeds) write theirs — express + http.createServer,
// `io.use(authenticateSocket)` verifying a JWT from the handshake, identity rooms joined on
// connection, REST routes that emit through the io instance, and a tracking room fed by
// `location:report`. It implements only the PROTOCOL.md subset the bench scenarios use:
//
//   handshake: JWT (HS256, env JWT_SECRET) in auth.token / query.token / Authorization header
//   connect:   joins user:{id} and role:{role}, emits `connected`
//   notification:subscribe, POST /api/notifications/broadcast (dispatcher+) → notification:broadcast
//   location:report → tracking:update to room tracking:live, tracking:batch for batchMs groups
//   subscribe:tracking {batchMs?}, unsubscribe:tracking, GET /api/health
//
// Like the reference backends it keeps notifications and vehicles in memory (they use a
// database; Opsdeck does too, which costs it work the peer does not do).
//
// Env: PORT (default 4100), HOST (default 127.0.0.1), JWT_SECRET (required).

"use strict";

const http = require("http");
const express = require("express");
const jwt = require("jsonwebtoken");
const { Server } = require("socket.io");

const PORT = Number(process.env.PORT || 4100);
const HOST = process.env.HOST || "127.0.0.1";
const JWT_SECRET = process.env.JWT_SECRET;
if (!JWT_SECRET) {
  console.error("JWT_SECRET is required");
  process.exit(2);
}

const ROLE_RANK = { viewer: 0, driver: 1, dispatcher: 2, admin: 3 };
const LIVE_ROOM = "tracking:live";

// ---- socket.middleware: the security guard --------------------------------------------

function verifyToken(token) {
  const decoded = jwt.verify(token, JWT_SECRET, { algorithms: ["HS256"] });
  const id = decoded.sub || decoded.id;
  if (!id || !(decoded.role in ROLE_RANK || decoded.role === "device")) {
    throw new Error("invalid claims");
  }
  return { id: String(id), role: decoded.role, name: decoded.name || String(id), vehicleId: decoded.vehicleId };
}

const authenticateSocket = (socket, next) => {
  const header = socket.handshake.headers.authorization || "";
  const token =
    socket.handshake.auth?.token ||
    socket.handshake.query?.token ||
    (header.startsWith("Bearer ") ? header.slice(7) : undefined);
  if (!token) {
    return next(new Error("Authentication error: No token provided"));
  }
  try {
    socket.data.user = verifyToken(token);
    next();
  } catch (err) {
    next(new Error("Authentication error: " + err.message));
  }
};

// ---- in-memory stores -------------------------------------------------------------------

const notifications = []; // newest last, capped
const MAX_NOTIFICATIONS = 10000;
const vehicles = new Map(); // vehicleId -> { id, status, location, lastUpdate }

// ---- websocket.service ------------------------------------------------------------------

const app = express();
app.use(express.json({ limit: "1mb" }));
const server = http.createServer(app);
const io = new Server(server, {
  cors: { origin: "*" },
  transports: ["websocket", "polling"],
  maxHttpBufferSize: 64 * 1024,
});
io.use(authenticateSocket);

// batchMs groups: one latest-position map and one timer per interval.
const batchGroups = new Map(); // ms -> { pending: Map, timer }

function ensureBatchGroup(ms) {
  if (batchGroups.has(ms)) return;
  const group = { pending: new Map(), timer: null };
  group.timer = setInterval(() => {
    const room = `tracking:batch:${ms}`;
    if (!io.sockets.adapter.rooms.get(room)?.size) {
      clearInterval(group.timer);
      batchGroups.delete(ms);
      return;
    }
    if (group.pending.size === 0) return;
    const updates = [];
    for (const [vehicleId, location] of group.pending) updates.push({ vehicleId, location });
    group.pending.clear();
    io.to(room).emit("tracking:batch", { updates, timestamp: new Date().toISOString() });
  }, ms);
  batchGroups.set(ms, group);
}

function leaveTracking(socket) {
  for (const room of socket.rooms) {
    if (room === "tracking" || room === LIVE_ROOM || room.startsWith("tracking:batch:")) {
      socket.leave(room);
    }
  }
}

function reply(ack, body) {
  if (typeof ack === "function") ack(body);
}

function fail(socket, ack, event, code, message) {
  if (typeof ack === "function") ack({ success: false, error: { code, message } });
  else socket.emit("error", { event, code, message });
}

function validLocation(r) {
  return (
    r && typeof r.vehicleId === "string" && typeof r.lat === "number" && typeof r.lng === "number" &&
    r.lat >= -90 && r.lat <= 90 && r.lng >= -180 && r.lng <= 180 &&
    (r.speed === undefined || (r.speed >= 0 && r.speed <= 400))
  );
}

io.on("connection", (socket) => {
  const user = socket.data.user;
  socket.join(`user:${user.id}`);
  socket.join(`role:${user.role}`);
  socket.emit("connected", {
    socketId: socket.id,
    user: { id: user.id, name: user.name, role: user.role },
    serverTime: new Date().toISOString(),
  });

  socket.on("notification:subscribe", (ack) => {
    socket.join("notifications");
    reply(ack, { success: true });
  });

  socket.on("subscribe:tracking", (opts, ack) => {
    if (typeof opts === "function") {
      ack = opts;
      opts = {};
    }
    const batchMs = opts?.batchMs;
    if (batchMs !== undefined && !(Number.isInteger(batchMs) && batchMs >= 50 && batchMs <= 5000)) {
      return fail(socket, ack, "subscribe:tracking", "bad_request", "batchMs must be 50..5000");
    }
    leaveTracking(socket);
    socket.join("tracking");
    if (batchMs) {
      socket.join(`tracking:batch:${batchMs}`);
      ensureBatchGroup(batchMs);
    } else {
      socket.join(LIVE_ROOM);
    }
    reply(ack, { success: true });
  });

  socket.on("unsubscribe:tracking", (_, ack) => {
    leaveTracking(socket);
    reply(ack ?? _, { success: true });
  });

  socket.on("location:report", (report, ack) => {
    if (!validLocation(report)) {
      return fail(socket, ack, "location:report", "bad_request", "invalid location");
    }
    if (user.role === "device" ? user.vehicleId !== report.vehicleId : ROLE_RANK[user.role] < ROLE_RANK.dispatcher) {
      return fail(socket, ack, "location:report", "forbidden", "not your vehicle");
    }
    const location = { lat: report.lat, lng: report.lng, ts: report.ts || new Date().toISOString() };
    if (report.speed !== undefined) location.speed = report.speed;
    if (report.heading !== undefined) location.heading = report.heading;
    const vehicle = vehicles.get(report.vehicleId) || { id: report.vehicleId, status: "active" };
    vehicle.location = location;
    vehicle.lastUpdate = new Date().toISOString();
    vehicles.set(report.vehicleId, vehicle);
    io.to(LIVE_ROOM).emit("tracking:update", { vehicleId: report.vehicleId, location });
    for (const group of batchGroups.values()) group.pending.set(report.vehicleId, location);
    reply(ack, { success: true });
  });
});

// ---- REST routes (controllers emitting through io) --------------------------------------

function requireRole(min) {
  return (req, res, next) => {
    const header = req.headers.authorization || "";
    try {
      req.user = verifyToken(header.startsWith("Bearer ") ? header.slice(7) : "");
    } catch {
      return res.status(401).json({ success: false, error: { code: "unauthorized", message: "invalid token" } });
    }
    if (!(req.user.role in ROLE_RANK) || ROLE_RANK[req.user.role] < ROLE_RANK[min]) {
      return res.status(403).json({ success: false, error: { code: "forbidden", message: "forbidden" } });
    }
    next();
  };
}

app.get("/api/health", (_req, res) => res.json({ status: "ok" }));

app.post("/api/notifications/broadcast", requireRole("dispatcher"), (req, res) => {
  const { title, message, type = "info", data } = req.body || {};
  if (typeof title !== "string" || typeof message !== "string") {
    return res.status(400).json({ success: false, error: { code: "bad_request", message: "title and message are required" } });
  }
  const notification = {
    id: `n${Date.now()}${Math.random().toString(36).slice(2, 8)}`,
    title,
    message,
    type,
    createdAt: new Date().toISOString(),
    read: false,
    sender: { id: req.user.id, name: req.user.name },
    target: { kind: "all" },
    data,
  };
  notifications.push(notification);
  if (notifications.length > MAX_NOTIFICATIONS) notifications.shift();
  io.emit("notification:broadcast", notification);
  io.to("notifications").emit("notification:new", notification);
  res.json({ success: true, data: { id: notification.id, recipients: io.engine.clientsCount } });
});

server.listen(PORT, HOST, () => {
  const { port } = server.address();
  console.log(`node-peer listening on http://${HOST}:${port}`);
});

const shutdown = () => {
  io.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
