package deploy

import (
	"strings"
	"testing"
)

func TestTargetAddressConvention(t *testing.T) {
	s, _ := ParseSettings("web", nil)
	outputs := map[string]Output{"ipv6_address": {Value: "2001:db8::1"}, "ipv4_address": {Value: "192.0.2.1"}}
	if got, err := TargetAddress("web", outputs, s); err != nil || got != "192.0.2.1" {
		t.Errorf("ipv4 before ipv6: %q %v", got, err)
	}
	outputs["target_host"] = Output{Value: "web.example.org"}
	if got, _ := TargetAddress("web", outputs, s); got != "web.example.org" {
		t.Errorf("target_host first: %q", got)
	}
	s.TargetHostOutput = "ipv6_address"
	if got, _ := TargetAddress("web", outputs, s); got != "2001:db8::1" {
		t.Errorf("configured output: %q", got)
	}
}

func TestTargetAddressErrors(t *testing.T) {
	s, _ := ParseSettings("web", nil)
	_, err := TargetAddress("web", map[string]Output{"other": {Value: "x"}}, s)
	if err == nil || err.Error() != "workspace web: has none of the outputs target_host, ipv4_address, ipv6_address; declare one or set settings.targetHostOutput" {
		t.Errorf("missing: %v", err)
	}
	_, err = TargetAddress("web", map[string]Output{"target_host": {Value: []any{"a"}}}, s)
	if err == nil || !strings.Contains(err.Error(), "output target_host is [a], not an address") {
		t.Errorf("wrong type: %v", err)
	}
	s.TargetHostOutput = "public_ip"
	_, err = TargetAddress("web", map[string]Output{"target_host": {Value: "x"}}, s)
	if err == nil || !strings.HasPrefix(err.Error(), "workspace web: has no output public_ip (settings.targetHostOutput)") {
		t.Errorf("configured missing: %v", err)
	}
}

func TestTargetHost(t *testing.T) {
	for _, tc := range []struct {
		addr string
		port int
		want string
	}{
		{"192.0.2.1", 22, "root@192.0.2.1"},
		{"192.0.2.1", 2222, "root@192.0.2.1:2222"},
		{"2001:db8::1", 22, "root@[2001:db8::1]"},
		{"2001:db8::1", 2222, "root@[2001:db8::1]:2222"},
		{"web.example.org", 22, "root@web.example.org"},
	} {
		if got := TargetHost("root", tc.addr, tc.port); got != tc.want {
			t.Errorf("TargetHost(%s, %d) = %s, want %s", tc.addr, tc.port, got, tc.want)
		}
	}
}

func TestParseOutputs(t *testing.T) {
	out, err := ParseOutputs("tofu output", []byte(`{"ip":{"sensitive":false,"type":"string","value":"1.2.3.4"},"pw":{"sensitive":true,"type":"string","value":"s3cret"}}`))
	if err != nil || out["ip"].Value != "1.2.3.4" || !out["pw"].Sensitive {
		t.Fatalf("%v %v", out, err)
	}
	if _, err := ParseOutputs("tofu output", []byte("nope")); err == nil || !strings.HasPrefix(err.Error(), "tofu output: not the JSON") {
		t.Errorf("bad JSON: %v", err)
	}
}

func TestEndpoint(t *testing.T) {
	s, _ := ParseSettings("web", map[string]any{"sshPort": float64(2222)})
	for _, tc := range []struct {
		addr, host string
		port       int
	}{
		{"192.0.2.1", "192.0.2.1", 2222},
		{"127.0.0.1:49153", "127.0.0.1", 49153},
		{"web.example.org:22", "web.example.org", 22},
		{"2001:db8::1", "2001:db8::1", 2222},
		{"[2001:db8::1]:2200", "2001:db8::1", 2200},
	} {
		host, port, err := Endpoint("web", map[string]Output{"target_host": {Value: tc.addr}}, s)
		if err != nil || host != tc.host || port != tc.port {
			t.Errorf("Endpoint(%s) = %s %d %v, want %s %d", tc.addr, host, port, err, tc.host, tc.port)
		}
	}
	for _, bad := range []string{"127.0.0.1:", "127.0.0.1:ssh", "127.0.0.1:70000", ":22"} {
		_, _, err := Endpoint("web", map[string]Output{"target_host": {Value: bad}}, s)
		if err == nil || err.Error() != `workspace web: address output is "`+bad+`": want host or host:port (port 1-65535)` {
			t.Errorf("Endpoint(%s): %v", bad, err)
		}
	}
}
