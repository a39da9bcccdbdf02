// Opens N idle authenticated socket.io-client sockets (distinct users, websocket) against an
// Opsdeck server and holds them 25 s, for reading the server's RSS (BENCHMARKS.md).
// Usage: JWT_SECRET=… node tests/js/tools/idle.mjs http://127.0.0.1:4617 2000
import { io } from "socket.io-client";
import crypto from "node:crypto";
const [url, n, secret] = [process.argv[2], Number(process.argv[3]), process.env.JWT_SECRET];
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const sign = (c) => { const h=b64({alg:"HS256",typ:"JWT"}), p=b64({exp:Math.floor(Date.now()/1000)+3600,...c}); return `${h}.${p}.${crypto.createHmac("sha256", secret).update(`${h}.${p}`).digest("base64url")}`; };
let ok = 0; const t0 = Date.now();
for (let i = 0; i < n; i++) {
  const s = io(url, { transports: ["websocket"], auth: { token: sign({ sub: `u${i}`, role: "viewer", name: `User ${i}` }) }, forceNew: true, reconnection: false });
  s.on("connect", () => { if (++ok === n) console.log(`connected ${n} in ${Date.now() - t0} ms`); });
  s.on("connect_error", (e) => console.log("err", e.message));
  if (i % 200 === 199) await new Promise((r) => setTimeout(r, 50));
}
setTimeout(() => process.exit(0), 25000);
