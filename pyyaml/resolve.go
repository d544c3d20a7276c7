package pyyaml

import "regexp"

// PyYAML's implicit resolvers (yaml/resolver.py, YAML 1.1 types): a plain
// scalar that one of them matches reads back as that type, so a string
// that looks like one must be quoted. Each applies to values starting with
// one of its first characters, as PyYAML indexes them.
var implicitResolvers = []struct {
	tag   string
	first string
	re    *regexp.Regexp
}{
	{"tag:yaml.org,2002:bool", "yYnNtTfFoO", regexp.MustCompile(`^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`)},
	{"tag:yaml.org,2002:float", "-+0123456789.", regexp.MustCompile(`^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`)},
	{"tag:yaml.org,2002:int", "-+0123456789", regexp.MustCompile(`^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`)},
	{"tag:yaml.org,2002:merge", "<", regexp.MustCompile(`^(?:<<)$`)},
	{"tag:yaml.org,2002:null", "~nN", regexp.MustCompile(`^(?:~|null|Null|NULL|)$`)},
	{"tag:yaml.org,2002:timestamp", "0123456789", regexp.MustCompile(`^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$`)},
	{"tag:yaml.org,2002:value", "=", regexp.MustCompile(`^(?:=)$`)},
	{"tag:yaml.org,2002:yaml", "!&*", regexp.MustCompile(`^(?:!|&|\*)$`)},
}

const strTag = "tag:yaml.org,2002:str"

// resolvePlain is the tag a plain scalar with this text reads back as
// (Resolver.resolve with implicit (True, False)). Python's re.match lets
// "$" match before a final newline; such text is never written plain, so
// the difference does not show.
func resolvePlain(s string) string {
	for _, r := range implicitResolvers {
		if s == "" {
			if r.tag != "tag:yaml.org,2002:null" {
				continue
			}
		} else if !containsByte(r.first, s[0]) {
			continue
		}
		if r.re.MatchString(s) {
			return r.tag
		}
	}
	return strTag
}

func containsByte(set string, b byte) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == b {
			return true
		}
	}
	return false
}
