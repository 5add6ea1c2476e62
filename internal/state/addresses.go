package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
)

// Addresses reads the resource instance addresses a state file holds, as
// tofu writes them in -json messages (module.m.type.name[0], data.x.y).
// ok is false when they cannot be known: no valid state, or an encrypted one.
func Addresses(path string) (addrs map[string]bool, ok bool) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]bool{}, true
	}
	if err != nil {
		return nil, false
	}
	if info, err := ValidateBytes(data, path); err != nil || info.Encrypted {
		return nil, false
	}
	var doc struct {
		Resources []struct {
			Module    string `json:"module"`
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				IndexKey json.RawMessage `json:"index_key"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return nil, false
	}
	addrs = map[string]bool{}
	for _, r := range doc.Resources {
		base := r.Type + "." + r.Name
		if r.Mode == "data" {
			base = "data." + base
		}
		if r.Module != "" {
			base = r.Module + "." + base
		}
		for _, in := range r.Instances {
			addrs[base+indexSuffix(in.IndexKey)] = true
		}
	}
	return addrs, true
}

// indexSuffix renders an instance key as in an address: [0] or ["key"].
func indexSuffix(key json.RawMessage) string {
	if len(key) == 0 || string(key) == "null" {
		return ""
	}
	var n int64
	if json.Unmarshal(key, &n) == nil {
		return "[" + strconv.FormatInt(n, 10) + "]"
	}
	var s string
	if json.Unmarshal(key, &s) == nil {
		return fmt.Sprintf("[%q]", s)
	}
	return "[" + string(key) + "]"
}
