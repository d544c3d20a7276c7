module github.com/gansible/gansible

go 1.26.8

require (
	github.com/BurntSushi/toml v1.6.0
	github.com/dlclark/regexp2 v1.12.0
	github.com/jmespath/go-jmespath v0.4.0
	github.com/nikolalohinski/gonja/v2 v2.9.1
	github.com/spf13/pflag v1.1.0
	golang.org/x/crypto v0.59.0
	golang.org/x/term v0.48.0
	golang.org/x/text v0.44.0
	gopkg.in/yaml.v3 v3.0.1
	mvdan.cc/sh/v3 v3.14.1
)

require (
	github.com/sirupsen/logrus v1.9.3 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

// yaml.v3 with one patch: syntax errors carry libyaml's problem mark
// (third_party/yaml.v3/PATCHES).
replace gopkg.in/yaml.v3 => ./third_party/yaml.v3
