package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gansible/gansible/config"
	"github.com/gansible/gansible/output"
	"github.com/gansible/gansible/runner"
)

// stdoutCallbacks are the stdout callbacks gansible has, by their short
// and their fully qualified names.
var stdoutCallbacks = map[string]func(stdout, stderr io.Writer, color bool, verbosity int) output.Callback{
	"default": func(stdout, stderr io.Writer, color bool, verbosity int) output.Callback {
		return output.NewDefault(stdout, stderr, color, verbosity)
	},
	"minimal": func(stdout, stderr io.Writer, color bool, verbosity int) output.Callback {
		return output.NewMinimal(stdout, stderr, color, verbosity, false)
	},
	"oneline": func(stdout, stderr io.Writer, color bool, verbosity int) output.Callback {
		return output.NewMinimal(stdout, stderr, color, verbosity, true)
	},
	"json": func(stdout, stderr io.Writer, color bool, verbosity int) output.Callback {
		return output.NewJSONCallback(stdout, stderr, color, verbosity, time.Now)
	},
	// community.general.dense and community.general.yaml;
	// shortCallbackName strips the collection.
	"dense": output.NewDense,
	"yaml": func(stdout, stderr io.Writer, color bool, verbosity int) output.Callback {
		return output.NewYAML(stdout, stderr, color, verbosity)
	},
}

// otherCallbacks are callback plugins that Ansible 2.14 with its
// collections resolves (a short name is routed to its collection) and
// gansible does not have yet.
var otherCallbacks = map[string]bool{
	"jsonl": true, "debug": true, "unixy": true,
	"counter_enabled": true, "skippy": true, "actionable": true, "selective": true, "null": true,
	"full_skip": true, "stderr": true, "diy": true, "timer": true, "profile_tasks": true,
	"profile_roles": true, "junit": true, "tree": true, "log_plays": true, "cgroup_perf_recap": true,
	"cgroup_memory_recap": true, "context_demo": true, "say": true, "osx_say": true, "mail": true,
	"slack": true, "splunk": true, "logstash": true, "syslog_json": true, "logdna": true,
	"logentries": true, "sumologic": true, "nrdp": true, "jabber": true, "hipchat": true,
	"elastic": true, "opentelemetry": true, "loganalytics": true, "grafana_annotations": true,
	"aws_resource_actions": true, "foreman": true,
}

// shortCallbackName strips the collections that hold Ansible's own
// callbacks: ansible.builtin.minimal is minimal.
func shortCallbackName(name string) string {
	for _, ns := range []string{"ansible.builtin.", "ansible.legacy.", "ansible.posix.", "community.general."} {
		name = strings.TrimPrefix(name, ns)
	}
	return name
}

// callbackFromConfig chooses the stdout callback of ansible-playbook as
// Ansible does, from stdout_callback; playbook is the last playbook of the
// command line, which the junit report is named after ("" for ad-hoc
// runs, where Ansible names it None).
func callbackFromConfig(cfg *config.Config, stdout, stderr io.Writer, color bool, verbosity int, playbook string) (output.Callback, error) {
	name := shortCallbackName(cfg.StdoutCallback)
	newOut, ok := stdoutCallbacks[name]
	switch {
	case !ok && otherCallbacks[name]:
		return nil, &runner.ExitError{Code: runner.ExitGeneral, Err: fmt.Errorf("the stdout callback plugin '%s' is not supported by gansible yet (default, minimal, oneline, json, yaml and dense are)", cfg.StdoutCallback)}
	case !ok:
		return nil, &runner.ExitError{Code: runner.ExitGeneral, Err: fmt.Errorf("Invalid callback for stdout specified: %s", cfg.StdoutCallback)}
	}
	return withAggregates(cfg, newOut(stdout, stderr, color, verbosity), stdout, verbosity, playbook)
}

// withAggregates adds the callbacks_enabled callbacks after the stdout
// one. An entry gansible does not have is warned about: such callbacks
// only add reports, so the run goes on, but their absence is not silent.
func withAggregates(cfg *config.Config, out output.Callback, stdout io.Writer, verbosity int, playbook string) (output.Callback, error) {
	multi := output.Multi{out}
	for _, name := range cfg.CallbacksEnabled {
		switch shortCallbackName(name) {
		case "timer":
			multi = append(multi, output.NewTimer(stdout, time.Now))
		case "profile_roles":
			multi = append(multi, output.NewProfileRoles(stdout, time.Now))
		case "junit":
			if playbook == "" {
				playbook = "None"
			}
			home, _ := os.UserHomeDir()
			j, err := output.NewJUnit(output.JUnitOptionsFromEnv(os.LookupEnv, home), playbook, time.Now, verbosity, out.Warning)
			if err != nil {
				return nil, &runner.ExitError{Code: runner.ExitGeneral, Err: fmt.Errorf("the junit callback: %v", err)}
			}
			multi = append(multi, j)
		case "profile_tasks":
			p := output.NewProfileTasks(stdout, time.Now, verbosity)
			switch order := cfg.ProfileTasksSortOrder; order {
			case "descending", "ascending", "none":
				p.SortOrder = order
			default:
				return nil, &runner.ExitError{Code: runner.ExitGeneral, Err: fmt.Errorf("Invalid value \"%s\" for configuration option \"sort_order\" of the profile_tasks callback, valid values are: ascending, descending, none", order)}
			}
			switch limit := cfg.ProfileTasksLimit; limit {
			case "all":
				p.Limit = 0
			default:
				n, err := strconv.Atoi(limit)
				if err != nil {
					return nil, &runner.ExitError{Code: runner.ExitGeneral, Err: fmt.Errorf("Invalid value \"%s\" for configuration option \"task_output_limit\" of the profile_tasks callback", limit)}
				}
				p.Limit = n
			}
			multi = append(multi, p)
		default:
			out.Warning(fmt.Sprintf("the callback plugin '%s' (callbacks_enabled) is not supported by gansible yet; it reports nothing", name))
		}
	}
	if len(multi) == 1 {
		return out, nil
	}
	return multi, nil
}
