package playbook

import "gopkg.in/yaml.v3"

// LoadPlay loads one play from its YAML mapping, as if it were the only
// play of file: the ad-hoc command builds its play in memory.
func (l *Loader) LoadPlay(file string, n *yaml.Node) (*Play, error) {
	return l.loadPlay(file, n)
}
