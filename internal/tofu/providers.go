package tofu

import (
	"sort"
	"strings"
)

// ProviderRequirements are the providers a config.tf.json needs, as tofu
// infers them: those its required_providers declare, and those its
// resource, data and ephemeral types imply by their prefix and its provider
// blocks by their name (source hashicorp/<name>). Local name -> { source,
// version }; the implied ones carry "implied": true, which is ours, not
// tofu's. The builtin "terraform" provider needs no entry. Two configs with
// the same requirements resolve to the same dependency lock file.
func ProviderRequirements(config map[string]any) map[string]any {
	out := map[string]any{}
	tf, _ := config["terraform"].(map[string]any)
	for _, block := range objectsOf(tf["required_providers"]) {
		for name, req := range block {
			switch r := req.(type) {
			case map[string]any:
				entry := map[string]any{}
				for _, k := range []string{"source", "version"} {
					if v, ok := r[k]; ok {
						entry[k] = v
					}
				}
				out[name] = entry
			case string: // the old form: a version constraint
				out[name] = map[string]any{"version": r}
			}
		}
	}
	var implied []string
	for _, kind := range []string{"resource", "data", "ephemeral"} {
		for _, block := range objectsOf(config[kind]) {
			for typ := range block {
				implied = append(implied, strings.SplitN(typ, "_", 2)[0])
			}
		}
	}
	for _, block := range objectsOf(config["provider"]) {
		for name := range block {
			implied = append(implied, name)
		}
	}
	sort.Strings(implied)
	for _, name := range implied {
		if _, ok := out[name]; !ok && name != "terraform" {
			out[name] = map[string]any{"source": "hashicorp/" + name, "implied": true}
		}
	}
	return out
}

// objectsOf reads a JSON block that may be one object or a list of them.
func objectsOf(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		var out []map[string]any
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}
