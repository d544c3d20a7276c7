// Package difftest compares gansible with ansible-playbook.
//
// Each case under testdata/cases is a txtar archive holding a small
// playbook project. The end-to-end tests (enabled with GANSIBLE_E2E=1)
// unpack every case twice, run ansible-playbook on one copy and gansible
// on the other, and compare exit codes, PLAY RECAP counts and the files
// the playbook wrote. The helpers in this package do the parsing,
// unpacking and comparing; the tests drive them.
package difftest
