// Package difftest compares gansible with ansible-playbook.
//
// Each case under testdata/cases is a txtar archive holding a small
// playbook project. The end-to-end tests (enabled with GANSIBLE_E2E=1)
// unpack every case twice, run ansible-playbook on one copy and gansible
// on the other, and compare exit codes, PLAY RECAP counts and the files
// the playbook wrote. The helpers in this package do the parsing,
// unpacking and comparing; the tests drive them.
//
// Usage, from the repository root:
//
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
//
// @OUT@ anywhere in the project or the args is replaced by the directory
// whose contents are compared.
package difftest
