package runner

import "github.com/gansible/gansible/playbook"

// selectedByTags applies --tags and --skip-tags to a task, with the tags it
// inherits from its blocks, role and play, and the special tags always,
// never, tagged, untagged and all.
func (r *run) selectedByTags(t *playbook.Task) bool {
	tags := map[string]bool{}
	for _, level := range r.chain(t).Extended("tags") {
		for _, tag := range level.([]string) {
			tags[tag] = true
		}
	}
	return tagsSelected(tags, r.opts.Tags, r.opts.SkipTags)
}

func tagsSelected(tags map[string]bool, only, skip []string) bool {
	for _, s := range skip {
		switch {
		case tags[s], s == "all" && !tags["always"],
			s == "tagged" && len(tags) > 0,
			s == "untagged" && len(tags) == 0:
			return false
		}
	}
	if tags["never"] {
		for _, o := range only {
			if o != "never" && tags[o] {
				return true
			}
			if o == "never" {
				return true
			}
		}
		return false
	}
	if len(only) == 0 {
		return true
	}
	if tags["always"] {
		return true
	}
	for _, o := range only {
		switch {
		case o == "all", tags[o],
			o == "tagged" && len(tags) > 0,
			o == "untagged" && len(tags) == 0:
			return true
		}
	}
	return false
}
