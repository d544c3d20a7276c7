package template

import "testing"

// TestVaultEncrypted checks the vault_encrypted test on raw values: an
// inline vault value (Unsafe with Vault) directly or under a dict key.
func TestVaultEncrypted(t *testing.T) {
	vars := MapVars{
		"secret": Unsafe{V: "hello", Vault: true},
		"holder": map[string]any{"s": Unsafe{V: "hello", Vault: true}},
		"copied": "{{ secret }}",
		"plain":  "x",
	}
	e := New(Options{})
	for cond, want := range map[string]bool{
		"secret is vault_encrypted":                       true,
		"secret is not vault_encrypted":                   false,
		"holder.s is vault_encrypted":                     true,
		"holder['s'] is vault_encrypted":                  true,
		"copied is vault_encrypted":                       false,
		"plain is vault_encrypted":                        false,
		"'x' is vault_encrypted":                          false,
		"nope is vault_encrypted":                         false,
		"secret == 'hello' and secret is vault_encrypted": true,
	} {
		got, err := e.Condition(cond, vars)
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", cond, got, err, want)
		}
	}
}
