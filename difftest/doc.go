// Package difftest compares gansible with ansible-playbook.
//
// Each case under testdata/cases (and testdata/errors, for broken
// projects) is a txtar archive holding a small playbook project. The
// end-to-end tests (enabled with GANSIBLE_E2E=1) unpack every case twice,
// run ansible-playbook on one copy and gansible on the other, and compare
// exit codes, PLAY RECAP counts and the files the playbook wrote (for
// testdata/errors: the exit code, and what gansible's first error line
// mentions). The helpers in this package do the parsing, unpacking and
// comparing; the tests drive them.
//
// Recordings. make record (make record CASE=name for one case, CASE='a|b'
// for several) runs ansible-playbook on every case and writes what it did
// to testdata/recorded/cases/NAME.txtar (or recorded/errors/): a header
// naming the ansible-core version and a sum of the case's bytes, then the
// exit code, the line starting the first error report (ERROR!, fatal:;
// for a case that expects an error), the recap counts, and every path
// written under @OUT@ with its mode and content. The sandbox's directories
// appear as @OUT@, @PROJECT@, @HOME@ and @TMP@; anything else that changes
// between runs (timings, the host) must be kept out of what the case
// writes and of that error line. The recordings are regenerated, never
// edited; commit them with the case.
//
// TestReplay, in plain go test (no ansible-playbook, no root), runs
// gansible on every case and compares it with the recording. It fails for
// a case without a recording ("no recording: run make record CASE=x") or
// one recorded from an older version of the case, and skips a case whose
// needs section the machine does not meet (GANSIBLE_E2E=1 makes that a
// failure). Under GANSIBLE_E2E=1,
// TestDiff and TestErrors also check that ansible-playbook still gives
// the recording, and fail when the installed ansible-core is not the one
// recorded.
//
// HTTP cases. The cases under testdata/http (get_url, uri) need a web
// server, which a plain case cannot start: TestHTTPReplay, TestHTTPDiff
// (GANSIBLE_E2E=1) and TestRecordHTTP (make record) start a loopback
// httptest server with fixed answers (no Date header, fixed
// Last-Modified) for each run, write its address where the case says
// @URL@, and write @URL@ back for it in what the run wrote, so that a
// recording made on one port replays on another. Recordings are in
// testdata/recorded/http.
//
// Usage, from the repository root:
//
//	go test ./difftest/
//	make record CASE=handlers_order
//	GANSIBLE_E2E=1 go test -timeout 60m ./difftest/
//	GANSIBLE_E2E=1 go test -timeout 60m -run 'TestDiff/handlers_' ./difftest/
//
// GANSIBLE_BIN=path tests a prebuilt binary instead of building
// ./cmd/gansible; GANSIBLE_DIFF_ANSIBLE_ONLY=1 only checks that the cases
// behave as intended under ansible-playbook and logs what they did.
//
// Case format: the files of the project (site.yml and inventory are
// required), plus these optional sections:
//
//	-- args --           extra arguments, one per line
//	-- expect --         "exit N" (ansible-playbook's exit code, default 0)
//	                     and "mention TEXT" (for errors: TEXT must be on
//	                     gansible's first error line)
//	-- ansible-adapt --  "OLD => NEW" literal replacements applied to the
//	                     ansible-playbook copy only, for Ansible 1.x syntax
//	                     that ansible-core refuses
//	-- noeol --          files whose final newline is dropped
//	-- needs --          "root" (become through sudo, chown to root) and
//	                     "command NAME..." (programs the case runs): the
//	                     offline replay skips a case the machine lacks
//	                     them for
//	-- known --          a documented difference gansible does not close
//	                     yet; the case must still differ
//
// @OUT@ anywhere in the project or the args is replaced by the directory
// whose contents are compared.
package difftest
