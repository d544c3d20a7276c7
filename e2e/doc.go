// Package e2e tests gansible from the outside: it builds the gansible
// binary, runs the unmodified mesos-ansible playbooks over SSH against
// fresh local test clusters (package testcluster) and checks what the runs
// print and leave on the hosts, against real ansible-playbook where the
// behaviour is not fixed in testdata.
//
// The tests need root, namespaces and the packages the test cluster
// needs; they run only with GANSIBLE_E2E=1.
package e2e
