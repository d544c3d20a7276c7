package modules

import (
	"fmt"
	"sort"
	"strings"
)

// factGroupNames are the gather_subset names gansible gathers: Ansible's
// min, hardware, network and virtual subsets and the collectors "all"
// adds beyond them.
var factGroupNames = []string{"min", "hardware", "network", "virtual", "loadavg", "chroot", "iscsi", "nvme", "fibre_channel"}

// ansibleSubsets is every gather_subset name Ansible 2.14 accepts on
// Linux (its "Bad subset" message lists them), for its error message.
var ansibleSubsets = []string{"all_ipv4_addresses", "all_ipv6_addresses", "apparmor", "architecture", "caps", "chroot",
	"cmdline", "date_time", "default_ipv4", "default_ipv6", "devices", "distribution", "distribution_major_version",
	"distribution_release", "distribution_version", "dns", "effective_group_ids", "effective_user_id", "env",
	"facter", "fibre_channel_wwn", "fips", "hardware", "interfaces", "is_chroot", "iscsi", "kernel", "kernel_version",
	"loadavg", "local", "lsb", "machine", "machine_id", "mounts", "network", "nvme", "ohai", "os_family", "pkg_mgr",
	"platform", "processor", "processor_cores", "processor_count", "python", "python_version", "real_user_id",
	"selinux", "service_mgr", "ssh_host_key_dsa_public", "ssh_host_key_ecdsa_public", "ssh_host_key_ed25519_public",
	"ssh_host_key_rsa_public", "ssh_host_pub_keys", "ssh_pub_keys", "system", "system_capabilities",
	"system_capabilities_enforced", "user", "user_dir", "user_gecos", "user_gid", "user_id", "user_shell", "user_uid",
	"virtual", "virtualization_role", "virtualization_tech_guest", "virtualization_tech_host", "virtualization_type"}

// factGroups resolves gather_subset as Ansible's get_collector_names: min
// is always added first; "all" adds every group, "!all" removes all but
// min, "!NAME" removes a group unless it is also named; an exclusion of
// an unknown name is ignored. Ansible's finer collector names (a single
// fact such as "dns") and the facter and ohai subsets are refused.
func factGroups(subsets []string) (map[string]bool, error) {
	known := map[string]bool{}
	for _, g := range factGroupNames {
		known[g] = true
	}
	valid := map[string]bool{}
	for _, s := range ansibleSubsets {
		valid[s] = true
	}
	add, exclude, explicit := map[string]bool{"min": true}, map[string]bool{}, map[string]bool{}
	for _, s := range subsets {
		name, neg := strings.CutPrefix(strings.TrimSpace(s), "!")
		switch {
		case name == "all" && !neg:
			for g := range known {
				add[g] = true
			}
			continue
		case name == "all":
			for g := range known {
				if g != "min" {
					exclude[g] = true
				}
			}
			continue
		case !valid[name] && name != "min":
			if neg {
				continue
			}
			sorted := append([]string(nil), ansibleSubsets...)
			sort.Strings(sorted)
			return nil, fmt.Errorf("Bad subset '%s' given to Ansible. gather_subset options allowed: all, %s",
				name, strings.Join(sorted, ", "))
		case !known[name]:
			return nil, fmt.Errorf("gather_subset %q is not supported: gansible gathers the subsets all, %s",
				s, strings.Join(factGroupNames, ", "))
		}
		if neg {
			exclude[name] = true
		} else {
			add[name] = true
			explicit[name] = true
		}
	}
	for g := range exclude {
		if !explicit[g] {
			delete(add, g)
		}
	}
	return add, nil
}
