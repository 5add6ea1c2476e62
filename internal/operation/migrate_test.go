package operation

import "testing"

func TestSameContentIgnoresIdentityAndLayout(t *testing.T) {
	a := []byte(`{"version":4,"serial":3,"lineage":"a","outputs":{"x":{"value":1,"type":"number"}},"resources":[{"type":"local_file","name":"f"}]}`)
	b := []byte(`{
  "version": 4, "serial": 7, "lineage": "b",
  "resources": [ { "name": "f", "type": "local_file" } ],
  "outputs": { "x": { "type": "number", "value": 1 } }
}`)
	if !sameContent(a, b) {
		t.Errorf("states with the same outputs and resources, other lineage, serial and layout: not the same content")
	}
	c := []byte(`{"version":4,"serial":3,"lineage":"a","outputs":{"x":{"value":2,"type":"number"}},"resources":[{"type":"local_file","name":"f"}]}`)
	if sameContent(a, c) {
		t.Errorf("states with different outputs: the same content")
	}
	if sameContent(a, []byte("not json")) {
		t.Errorf("a state and garbage: the same content")
	}
}

func TestStateHead(t *testing.T) {
	none := StateHead{}
	if none.Exists() || none.String() != "no state" {
		t.Errorf("zero StateHead: Exists %v, %q", none.Exists(), none)
	}
	h := StateHead{Lineage: "l", Serial: 2, Resources: 1}
	if !h.Same(StateHead{Lineage: "l", Serial: 2}) || h.Same(StateHead{Lineage: "l", Serial: 3}) {
		t.Errorf("Same compares lineage and serial only")
	}
	if h.String() != "lineage l, serial 2, 1 resource(s)" {
		t.Errorf("String() = %q", h)
	}
}
