package runner

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gansible/gansible/inventory"
	"github.com/gansible/gansible/playbook"
	"github.com/gansible/gansible/template"
)

// ListOptions selects what List prints, like ansible-playbook's --list-*.
type ListOptions struct {
	Hosts, Tasks, Tags bool
}

// List prints the plays' hosts, tasks and tags without running anything,
// in ansible-playbook's --list-hosts / --list-tasks / --list-tags format.
func List(out io.Writer, opts *Options, playbooks []*playbook.Playbook, what ListOptions) error {
	r := &run{opts: opts, hosts: map[string]*hostState{}}
	// ansible-playbook prints the listing once every play is read, after
	// the warnings reading them gave.
	var w bytes.Buffer
	if opts.Limit != "" {
		limited, err := matchLimit(opts.Inventory, opts.Limit)
		if err != nil {
			return OptionsError(err)
		}
		r.limit = limited
	}
	for _, pb := range playbooks {
		fmt.Fprintf(&w, "\nplaybook: %s\n", pb.Path)
		for i, play := range pb.Plays {
			r.play = play
			pattern, err := r.templatePlayString(play.Hosts)
			if err != nil {
				return err
			}
			name := play.Name
			if name == "" {
				name = pattern
			}
			fmt.Fprintf(&w, "\n  play #%d (%s): %s\tTAGS: [%s]\n", i+1, pattern, name, strings.Join(play.Tags, ","))
			hosts, err := r.opts.Inventory.Match(pattern)
			if err != nil {
				return err
			}
			if opts.Out != nil {
				for _, p := range r.opts.Inventory.UnmatchedPatterns(pattern) {
					opts.Out.Warning("Could not match supplied host pattern, ignoring: " + p)
				}
			}
			if what.Hosts {
				hosts = limitHosts(hosts, r.limit)
				entries, err := r.hostsEntries(play)
				if err != nil {
					return err
				}
				fmt.Fprintf(&w, "    pattern: %s\n    hosts (%d):\n", template.Repr(entries), len(hosts))
				for _, h := range hosts {
					fmt.Fprintf(&w, "      %s\n", h.Name)
				}
			}
			if what.Tasks {
				fmt.Fprintf(&w, "    tasks:\n")
			}
			var allTags []string
			seen := map[string]bool{}
			for _, section := range [][]*playbook.Task{play.PreTasks, play.Roles, play.Tasks, play.PostTasks} {
				walkTasks(section, func(t *playbook.Task) {
					if !r.selectedByTags(t) {
						return
					}
					tags := inheritedTags(t, play)
					for _, tag := range tags {
						if !seen[tag] {
							seen[tag] = true
							allTags = append(allTags, tag)
						}
					}
					if what.Tasks {
						fmt.Fprintf(&w, "      %s\tTAGS: [%s]\n", listedName(t), strings.Join(tags, ", "))
					}
				})
			}
			if what.Tags {
				sort.Strings(allTags)
				fmt.Fprintf(&w, "      TASK TAGS: [%s]\n", strings.Join(allTags, ", "))
			}
		}
	}
	_, err := out.Write(w.Bytes())
	return err
}

// listedName is how --list-tasks names a task: ansible-core's CLI prints
// the action as written, with no role prefix, for a task without a name,
// and the full display name only for a named one.
func listedName(t *playbook.Task) string {
	if t.Name != "" {
		return t.DisplayName()
	}
	if t.ActionWritten != "" {
		return t.ActionWritten
	}
	return t.Action
}

func limitHosts(hosts []*inventory.Host, limit map[string]bool) []*inventory.Host {
	if limit == nil {
		return hosts
	}
	var out []*inventory.Host
	for _, h := range hosts {
		if limit[h.Name] {
			out = append(out, h)
		}
	}
	return out
}

// hostsEntries are the play's hosts as its post_validate leaves them,
// each entry templated: a list's entries, or the one string.
func (r *run) hostsEntries(play *playbook.Play) ([]any, error) {
	out := make([]any, 0, len(play.HostsEntries))
	for _, e := range play.HostsEntries {
		s, err := r.templatePlayString(e)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// walkTasks visits the leaf tasks of a task tree in order.
func walkTasks(tasks []*playbook.Task, fn func(*playbook.Task)) {
	for _, t := range tasks {
		if t.IsBlock() {
			walkTasks(t.Block, fn)
			walkTasks(t.Rescue, fn)
			walkTasks(t.Always, fn)
			continue
		}
		fn(t)
	}
}

// inheritedTags are a task's tags with those of its blocks, role and
// play, sorted.
func inheritedTags(t *playbook.Task, play *playbook.Play) []string {
	set := map[string]bool{}
	for _, level := range t.Chain(play).Extended("tags") {
		for _, tag := range level.([]string) {
			set[tag] = true
		}
	}
	out := make([]string, 0, len(set))
	for tag := range set {
		out = append(out, tag)
	}
	sort.Strings(out)
	return out
}
