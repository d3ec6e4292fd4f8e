// The embedded DynamoDB's thread (started by embedded-dynamo.ts): dynalite and its LevelDB run
// here, so their CPU work (validation, LevelDB, index upkeep) runs beside the poller's event loop
// instead of inside it, as a real DynamoDB would. Plain JavaScript: a worker needs no TS loader.
import { parentPort, workerData } from "node:worker_threads";
import dynalite from "dynalite";

const server = dynalite({
  ...(workerData.path ? { path: workerData.path } : {}),
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});
server.once("error", (error) => parentPort.postMessage({ type: "error", message: error.message }));
server.listen(0, "127.0.0.1", () =>
  parentPort.postMessage({ type: "listening", port: server.address().port }),
);
parentPort.on("message", (message) => {
  if (message !== "close") return;
  server.closeAllConnections?.();
  // dynalite's close also closes (and flushes) LevelDB; the thread ends once nothing is left open.
  server.close((error) => {
    parentPort.postMessage({ type: "closed", message: error?.message });
    parentPort.close();
  });
});
