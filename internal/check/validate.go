// Package check validates a workspace's generated Terraform JSON against its
// providers' schemas before anything runs: unknown resource and data types,
// unknown attributes and blocks, missing required attributes, values of the
// wrong type, each with the closest valid name. Positions in the Nix files
// are looked up afterwards, only for what failed.
package check

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/agext/levenshtein"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
)

// Problem is one thing wrong in a workspace's config.
type Problem struct {
	Workspace string `json:"workspace"`
	// Path is the attribute path in the Terraform JSON, e.g.
	// resource, aws_instance, web, instance_typ; list elements are "[0]".
	Path    []string `json:"path"`
	Message string   `json:"message"`
	// File and Line are where the Nix code defined the value, when found.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// PathString is the path as Terraform writes it: resource.aws_instance.web.instance_typ.
func (p Problem) PathString() string {
	var b strings.Builder
	for i, part := range p.Path {
		if i > 0 && !strings.HasPrefix(part, "[") {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}

func (p Problem) Error() string {
	where := ""
	switch {
	case p.Line > 0:
		where = fmt.Sprintf("%s:%d: ", p.File, p.Line)
	case p.File != "":
		where = p.File + ": "
	}
	return fmt.Sprintf("%sworkspace %s: %s: %s", where, p.Workspace, p.PathString(), p.Message)
}

// Meta-arguments Terraform takes in every resource and data block.
var (
	resourceMeta = set("count", "for_each", "provider", "depends_on", "lifecycle", "connection", "provisioner", "//")
	dataMeta     = set("count", "for_each", "provider", "depends_on", "lifecycle", "//")
)

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// Validate checks the resource and data blocks of config (Terraform JSON
// decoded with json.Number) against schemas.
func Validate(workspace string, config map[string]any, schemas *tfjson.ProviderSchemas) []Problem {
	v := validator{ws: workspace, resources: map[string]*tfjson.Schema{}, data: map[string]*tfjson.Schema{}}
	if schemas != nil {
		for _, ps := range schemas.Schemas {
			for name, s := range ps.ResourceSchemas {
				v.resources[name] = s
			}
			for name, s := range ps.DataSourceSchemas {
				v.data[name] = s
			}
		}
	}
	v.blocks("resource", config["resource"], v.resources, resourceMeta)
	v.blocks("data", config["data"], v.data, dataMeta)
	sort.SliceStable(v.problems, func(i, j int) bool { return v.problems[i].PathString() < v.problems[j].PathString() })
	return v.problems
}

type validator struct {
	ws              string
	resources, data map[string]*tfjson.Schema
	problems        []Problem
}

func (v *validator) add(path []string, format string, args ...any) {
	v.problems = append(v.problems, Problem{Workspace: v.ws, Path: append([]string(nil), path...), Message: fmt.Sprintf(format, args...)})
}

// objects lists the objects of a JSON value that may be one object or, as
// Terraform's JSON syntax allows, a list of them.
func objects(path []string, v any) (out []map[string]any, paths [][]string) {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}, [][]string{path}
	case []any:
		for i, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
				paths = append(paths, append(append([]string(nil), path...), "["+strconv.Itoa(i)+"]"))
			}
		}
	}
	return out, paths
}

func (v *validator) blocks(kind string, value any, schemas map[string]*tfjson.Schema, meta map[string]bool) {
	byType, _ := value.(map[string]any)
	for _, typ := range sortedKeys(byType) {
		path := []string{kind, typ}
		schema, ok := schemas[typ]
		if !ok {
			noun := "resource type"
			if kind == "data" {
				noun = "data source"
			}
			v.add(path, "unknown %s %q%s", noun, typ, suggest(typ, keys(schemas)))
			continue
		}
		byName, _ := byType[typ].(map[string]any)
		for _, name := range sortedKeys(byName) {
			bodies, paths := objects(append(path, name), byName[name])
			for i, body := range bodies {
				v.block(paths[i], body, schema.Block, meta)
			}
		}
	}
}

func (v *validator) block(path []string, body map[string]any, b *tfjson.SchemaBlock, meta map[string]bool) {
	if b == nil {
		return
	}
	for _, key := range sortedKeys(body) {
		value := body[key]
		at := append(append([]string(nil), path...), key)
		if meta[key] {
			continue
		}
		if attr, ok := b.Attributes[key]; ok {
			v.attribute(at, value, attr)
			continue
		}
		if nested, ok := b.NestedBlocks[key]; ok {
			v.nested(at, value, nested)
			continue
		}
		names := append(keys(b.Attributes), keys(b.NestedBlocks)...)
		v.add(at, "unknown attribute %q%s", key, suggest(key, names))
	}
	for _, name := range sortedKeys(b.Attributes) {
		if attr := b.Attributes[name]; attr.Required {
			if _, ok := body[name]; !ok {
				v.add(path, "missing required attribute %q", name)
			}
		}
	}
	for _, name := range sortedKeys(b.NestedBlocks) {
		if nb := b.NestedBlocks[name]; nb.MinItems > 0 {
			if _, ok := body[name]; !ok {
				v.add(path, "missing required block %q", name)
			}
		}
	}
}

func (v *validator) nested(path []string, value any, nb *tfjson.SchemaBlockType) {
	if isTemplate(value) {
		return
	}
	switch nb.NestingMode {
	case tfjson.SchemaNestingModeMap:
		m, ok := value.(map[string]any)
		if !ok {
			v.add(path, "is %s, expected a block map (an attribute set of blocks)", kindOf(value))
			return
		}
		for _, k := range sortedKeys(m) {
			bodies, paths := objects(append(append([]string(nil), path...), k), m[k])
			for i, body := range bodies {
				v.block(paths[i], body, nb.Block, nil)
			}
		}
	default:
		bodies, paths := objects(path, value)
		if bodies == nil {
			v.add(path, "is %s, expected a block (an attribute set, or a list of them)", kindOf(value))
		}
		for i, body := range bodies {
			v.block(paths[i], body, nb.Block, nil)
		}
	}
}

func (v *validator) attribute(path []string, value any, attr *tfjson.SchemaAttribute) {
	if attr.Computed && !attr.Optional && !attr.Required {
		v.add(path, "is read-only: the provider sets it")
		return
	}
	if attr.AttributeNestedType != nil {
		return // objects of attributes: their own shape, left to tofu
	}
	if msg := typeMismatch(value, attr.AttributeType); msg != "" {
		v.add(path, "%s", msg)
	}
}

// typeMismatch says why value cannot be of type t, or "" when it can (or
// when only tofu can tell: a "${...}" string may become anything).
func typeMismatch(value any, t cty.Type) string {
	if value == nil || isTemplate(value) || t == cty.NilType || t.Equals(cty.DynamicPseudoType) {
		return ""
	}
	want := t.FriendlyName()
	switch {
	case t.Equals(cty.String):
		switch value.(type) {
		case string, json.Number, bool:
			return "" // numbers and booleans convert to strings
		}
	case t.Equals(cty.Number):
		switch x := value.(type) {
		case json.Number:
			return ""
		case string:
			if _, err := strconv.ParseFloat(x, 64); err == nil {
				return ""
			}
			return fmt.Sprintf("is the string %q, expected a number", x)
		}
	case t.Equals(cty.Bool):
		switch x := value.(type) {
		case bool:
			return ""
		case string:
			if x == "true" || x == "false" {
				return ""
			}
			return fmt.Sprintf("is the string %q, expected true or false", x)
		}
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		list, ok := value.([]any)
		if !ok {
			break
		}
		if t.IsTupleType() {
			return ""
		}
		for i, e := range list {
			if msg := typeMismatch(e, t.ElementType()); msg != "" {
				return fmt.Sprintf("element %d %s", i, msg)
			}
		}
		return ""
	case t.IsMapType():
		m, ok := value.(map[string]any)
		if !ok {
			break
		}
		for _, k := range sortedKeys(m) {
			if msg := typeMismatch(m[k], t.ElementType()); msg != "" {
				return fmt.Sprintf("key %q %s", k, msg)
			}
		}
		return ""
	case t.IsObjectType():
		if _, ok := value.(map[string]any); ok {
			return ""
		}
	default:
		return ""
	}
	return fmt.Sprintf("is %s, expected %s", kindOf(value), want)
}

// isTemplate: a string with an interpolation is an expression whose type
// only tofu knows.
func isTemplate(v any) bool {
	s, ok := v.(string)
	return ok && (strings.Contains(s, "${") || strings.Contains(s, "%{"))
}

func kindOf(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		return "the number " + x.String()
	case bool:
		return fmt.Sprintf("%t", x)
	case []any:
		return "a list"
	case map[string]any:
		return "an attribute set"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// suggest names the closest valid name, when one is close enough to be a typo.
func suggest(name string, valid []string) string {
	best, bestDist := "", 0
	for _, c := range valid {
		d := levenshtein.Distance(name, c, nil)
		if best == "" || d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	if best == "" || bestDist > max(2, len(name)/3) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string { return keys(m) }
