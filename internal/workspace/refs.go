package workspace

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Ref is a read of another workspace's output through
// ${data.terraform_remote_state.<Workspace>.outputs.<Output>}. Output is
// empty when the expression reads the data source as a whole.
type Ref struct {
	Workspace string
	Output    string
}

// remoteStateRefs finds every terraform_remote_state reference in the string
// values of a Terraform JSON document. Strings are parsed as HCL templates,
// so escaped `$${...}` sequences are not references.
func remoteStateRefs(doc any) []Ref {
	seen := map[Ref]bool{}
	walkStrings(doc, func(s string) {
		if !strings.Contains(s, "${") {
			return
		}
		expr, diags := hclsyntax.ParseTemplate([]byte(s), "", hcl.InitialPos)
		if diags.HasErrors() {
			return // tofu reports malformed templates itself, with better context
		}
		for _, tr := range expr.Variables() {
			if ref, ok := refOf(tr); ok {
				seen[ref] = true
			}
		}
	})
	refs := make([]Ref, 0, len(seen))
	for r := range seen {
		refs = append(refs, r)
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].Workspace != refs[j].Workspace {
			return refs[i].Workspace < refs[j].Workspace
		}
		return refs[i].Output < refs[j].Output
	})
	return refs
}

func refOf(tr hcl.Traversal) (Ref, bool) {
	names := make([]string, 0, len(tr))
	for _, step := range tr {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			names = append(names, s.Name)
		case hcl.TraverseAttr:
			names = append(names, s.Name)
		case hcl.TraverseIndex:
			if s.Key.Type().FriendlyName() == "string" {
				names = append(names, s.Key.AsString())
			} else {
				names = append(names, "")
			}
		default:
			names = append(names, "")
		}
	}
	if len(names) < 3 || names[0] != "data" || names[1] != "terraform_remote_state" || names[2] == "" {
		return Ref{}, false
	}
	ref := Ref{Workspace: names[2]}
	if len(names) >= 5 && names[3] == "outputs" {
		ref.Output = names[4]
	}
	return ref, true
}

func walkStrings(v any, fn func(string)) {
	switch t := v.(type) {
	case string:
		fn(t)
	case map[string]any:
		for _, x := range t {
			walkStrings(x, fn)
		}
	case []any:
		for _, x := range t {
			walkStrings(x, fn)
		}
	}
}
