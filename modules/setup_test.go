package modules

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/gansible/gansible/refenv"
)

// TestSetupMatchesAnsible compares the facts gathered here with those of
// Ansible's setup module on the same machine: with GANSIBLE_E2E=1 it runs
// `ansible localhost -m setup`; GANSIBLE_SETUP_REFERENCE names a JSON file
// of facts saved from it instead.
func TestSetupMatchesAnsible(t *testing.T) {
	var data []byte
	var err error
	switch ref := os.Getenv("GANSIBLE_SETUP_REFERENCE"); {
	case ref != "":
		data, err = os.ReadFile(ref)
	case refenv.E2E():
		refenv.Require(t, "ansible-core")
		data, err = ansibleSetup("")
	default:
		t.Skip("set GANSIBLE_E2E=1 (or GANSIBLE_SETUP_REFERENCE=FILE) to compare with Ansible's setup")
	}
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	if facts, ok := want["ansible_facts"].(map[string]any); ok {
		want = facts
	}
	r := execModule(t, localContext(false), "setup", Args{})
	got := r.Fields["ansible_facts"].(map[string]any)
	for _, k := range []string{"ansible_hostname", "ansible_fqdn", "ansible_nodename", "ansible_domain",
		"ansible_distribution", "ansible_distribution_version", "ansible_distribution_major_version",
		"ansible_distribution_release", "ansible_os_family", "ansible_system", "ansible_kernel",
		"ansible_architecture", "ansible_machine", "ansible_pkg_mgr", "ansible_service_mgr",
		"ansible_default_ipv4", "ansible_all_ipv4_addresses", "ansible_processor_vcpus",
		"ansible_processor_cores", "ansible_processor_count", "ansible_memtotal_mb",
		"ansible_user_id", "ansible_user_uid", "ansible_user_gid", "ansible_user_dir", "ansible_user_shell",
		"ansible_selinux", "ansible_interfaces", "ansible_lsb", "ansible_kernel_version", "ansible_distribution_file_variety",
		"ansible_distribution_minor_version", "ansible_distribution_file_path", "ansible_distribution_file_parsed",
		"ansible_all_ipv6_addresses", "ansible_default_ipv6", "ansible_eth0", "ansible_lo",
		"ansible_cmdline", "ansible_proc_cmdline", "ansible_machine_id", "ansible_effective_user_id",
		"ansible_effective_group_id", "ansible_real_user_id", "ansible_real_group_id", "ansible_userspace_bits",
		"ansible_system_capabilities", "ansible_system_capabilities_enforced", "ansible_apparmor", "ansible_fips",
		"ansible_dns", "ansible_ssh_host_key_rsa_public", "ansible_ssh_host_key_ed25519_public_keytype",
		"ansible_bios_vendor", "ansible_product_uuid", "ansible_form_factor", "ansible_system_vendor",
		"ansible_virtualization_type", "ansible_virtualization_role", "ansible_virtualization_tech_guest",
		"ansible_virtualization_tech_host", "ansible_is_chroot", "ansible_iscsi_iqn", "ansible_hostnqn",
		"ansible_fibre_channel_wwn", "ansible_lvm", "ansible_swaptotal_mb", "ansible_devices", "ansible_device_links"} {
		g := got[k]
		if k == "ansible_interfaces" || k == "ansible_virtualization_tech_guest" || k == "ansible_virtualization_tech_host" {
			// Ansible lists these in the order of a Python dict or set;
			// only the set is compared.
			g, want[k] = sortedList(g), sortedList(want[k])
		}
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(want[k])
		if string(gj) != string(wj) {
			t.Errorf("%s = %s, want %s", k, gj, wj)
		}
	}
}

func sortedList(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, e := range l {
			out = append(out, fmt.Sprint(e))
		}
	}
	sort.Strings(out)
	return out
}

// ansibleSetup runs Ansible's setup module on this machine and returns its
// result as JSON; moduleArgs are setup's arguments (key=value).
func ansibleSetup(moduleArgs string) ([]byte, error) {
	out, err := exec.Command("ansible", "localhost", "-c", "local", "-i", "localhost,", "-m", "setup", "-a", moduleArgs).Output()
	if err != nil {
		return nil, fmt.Errorf("ansible -m setup: %v\n%s", err, out)
	}
	_, result, ok := strings.Cut(string(out), "=>")
	if !ok {
		return nil, fmt.Errorf("ansible -m setup printed no result: %s", out)
	}
	return []byte(result), nil
}
