// serve.h: the local review app (`ttptag serve`).
//
// An HTTP server (cpp-httplib) over one results file and one decision log.
// Its page lists the suggestions as a queue (by score or by document) and
// lets a reviewer accept, reject, or add a technique from the catalogue;
// every decision is appended to the log (DecisionLog: one line, fsync)
// before the request is answered, so a crash loses nothing, and a restarted
// server reads the log and resumes at the first undecided suggestion.
//
// Routes, and nothing else (anything else is 404; a target holding "..",
// an encoded dot, slash or backslash, or a NUL is 400 before routing):
//   GET  /  /app.js  /app.css       the page (CSP: 'self' only, no inline code);
//                                    /favicon.ico is an empty 204
//   GET  /api/state                  documents, suggestions and their decisions
//   GET  /api/doc/<index>            one document of the results file (by index)
//   GET  /api/catalog                the technique catalogue, [] without one
//   POST /api/decision               {"doc", "technique"?, "id"?, "decision",
//                                     "start"?, "end"?, "reviewer", "comment"}
// Documents are read only by their index in the results file, never by a
// path from the client. Bodies are capped at max_body bytes (413). POSTs must
// be application/json and, when an Origin is sent, same-origin (403). Bound
// to a loopback host, requests whose Host is not a loopback name are refused
// (400), against DNS rebinding.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "catalog.h"
#include "review.h"

namespace ttptag {

struct ServeOptions {
  std::string results;    // results JSONL from `ttptag tag`
  std::string decisions;  // decision log, created if missing
  std::string host = "127.0.0.1";
  int port = 8765;         // 0 = any free port
  const Catalog* catalog = nullptr;  // for "add" and tactic names; may be null
  size_t max_body = 64 * 1024;
  size_t max_text_bytes = size_t{16} << 20;  // larger documents show evidence sentences only
};

// True for "localhost", 127.0.0.0/8 addresses and "::1" (with or without brackets).
bool is_loopback_host(const std::string& host);

class ReviewServer {
 public:
  // Loads the results and the decision log and opens the log for appending.
  // nullptr with *error when the results cannot be read or the log opened.
  static std::unique_ptr<ReviewServer> create(const ServeOptions& opts, std::string* error);
  ~ReviewServer();
  ReviewServer(const ReviewServer&) = delete;
  ReviewServer& operator=(const ReviewServer&) = delete;

  // Binds opts.host:opts.port (any free port when 0); returns the port, or
  // -1 with *error.
  int bind(std::string* error);
  // Serves until stop(); call after bind(). Returns false on a listen error.
  bool run();
  // Thread-safe; run() returns soon after.
  void stop();
  // Waits until run() is accepting connections (after bind(), from another thread).
  void wait_until_ready() const;

  // Problems found while loading (skipped lines of the results or the log).
  const std::vector<std::string>& warnings() const;
  size_t suggestions() const;  // (document, technique) pairs in the results
  size_t decided() const;      // of those, with a current decision

 private:
  struct Impl;
  explicit ReviewServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ttptag
