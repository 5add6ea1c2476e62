package state

import (
	"encoding/json"
	"testing"
)

func TestParseFile(t *testing.T) {
	plain, err := ParseFile([]byte(`{"version": 4, "serial": 7, "lineage": "l-1",
		"outputs": {"port": {"value": 8080, "type": "number"}}, "resources": [{"type": "a"}, {"type": "b"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if plain.Encrypted() || plain.SerialOrZero() != 7 || plain.LineageOrEmpty() != "l-1" || len(plain.Resources) != 2 {
		t.Fatalf("plain state read as %+v", plain)
	}
	var outs map[string]struct{ Value any }
	if err := plain.OutputValues(&outs); err != nil {
		t.Fatal(err)
	}
	if n, ok := outs["port"].Value.(json.Number); !ok || n.String() != "8080" {
		t.Fatalf("output numbers must stay as written: %#v", outs["port"].Value)
	}

	enc, err := ParseFile([]byte(`{"serial": 3, "lineage": "l-2", "meta": {}, "encryption_version": "v0", "encrypted_data": "AAAA"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !enc.Encrypted() || enc.SerialOrZero() != 3 || enc.LineageOrEmpty() != "l-2" {
		t.Fatalf("encrypted state read as %+v", enc)
	}

	empty, err := ParseFile([]byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if empty.Encrypted() || empty.SerialOrZero() != 0 || empty.LineageOrEmpty() != "" || empty.OutputValues(&outs) != nil {
		t.Fatalf("a state without head read as %+v", empty)
	}

	if _, err := ParseFile([]byte(`{"serial": "seven"}`)); err == nil {
		t.Fatal("a serial of the wrong type was accepted")
	}
}
