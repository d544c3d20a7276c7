// Package pyyaml writes values as Python's yaml.dump does when Ansible
// calls it. Ansible's dumpers derive from CSafeDumper whenever PyYAML has
// libyaml (as on Debian), so the emitter here follows libyaml 0.2.5's
// emitter (which, unlike PyYAML's pure Python one, ends a top-level plain
// scalar without "..."), fed by PyYAML's SafeRepresenter, Resolver and
// Serializer: sorted keys, YAML 1.1 implicit types quoted, flow style for
// leaf collections when default_flow_style is None.
package pyyaml
