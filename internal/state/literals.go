package state

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// credentialKey matches argument names that hold secrets in provider and
// backend blocks (token, api_token, secret_key, password, ...).
var credentialKey = regexp.MustCompile(`(?i)(^|_)(token|secret|secret_key|access_key|password|api_key|private_key|client_secret|conn_str)$`)

// CredentialLiterals returns one warning per provider or backend argument of
// a generated config.tf.json (file names it in the message) that looks like
// a credential written as a literal: it would sit in the Nix store and the
// work dir. References ("${var.x}") are fine and not reported.
func CredentialLiterals(config []byte, file string) []string {
	var doc struct {
		Provider  map[string]json.RawMessage `json:"provider"`
		Terraform json.RawMessage            `json:"terraform"`
	}
	if json.Unmarshal(config, &doc) != nil {
		return nil
	}
	var found []string
	for name, raw := range doc.Provider {
		// A provider is one block or a list of aliased blocks.
		var blocks []map[string]any
		if json.Unmarshal(raw, &blocks) != nil {
			var one map[string]any
			if json.Unmarshal(raw, &one) != nil {
				continue
			}
			blocks = []map[string]any{one}
		}
		for _, b := range blocks {
			found = append(found, literalsIn(b, "provider."+name)...)
		}
	}
	var tf struct {
		Backend map[string]map[string]any `json:"backend"`
	}
	if json.Unmarshal(doc.Terraform, &tf) == nil {
		for name, b := range tf.Backend {
			found = append(found, literalsIn(b, "terraform.backend."+name)...)
		}
	}
	sort.Strings(found)
	warnings := make([]string, len(found))
	for i, path := range found {
		warnings[i] = fmt.Sprintf("%s: %s looks like a credential written as a literal (it ends up in the Nix store); declare it as a credential from a command or environment variable instead", file, path)
	}
	return warnings
}

func literalsIn(block map[string]any, prefix string) []string {
	var found []string
	for key, v := range block {
		switch v := v.(type) {
		case string:
			if credentialKey.MatchString(key) && v != "" && !strings.Contains(v, "${") {
				found = append(found, prefix+"."+key)
			}
		case map[string]any:
			found = append(found, literalsIn(v, prefix+"."+key)...)
		}
	}
	return found
}
