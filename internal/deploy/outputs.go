package deploy

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Output is one workspace output as `tofu output -json` prints it.
type Output struct {
	Sensitive bool            `json:"sensitive"`
	Type      json.RawMessage `json:"type,omitempty"`
	Value     any             `json:"value"`
}

// ParseOutputs reads the JSON of `tofu output -json`. source names where the
// bytes came from, for the error message.
func ParseOutputs(source string, data []byte) (map[string]Output, error) {
	outputs := map[string]Output{}
	if err := json.Unmarshal(data, &outputs); err != nil {
		return nil, fmt.Errorf("%s: not the JSON of `tofu output -json`: %v", source, err)
	}
	return outputs, nil
}

// TargetAddress returns the host part of the machine's SSH address from its
// outputs: the configured output, else the first conventional one present.
func TargetAddress(machine string, outputs map[string]Output, s Settings) (string, error) {
	names := ConventionalAddressOutputs
	if s.TargetHostOutput != "" {
		names = []string{s.TargetHostOutput}
	}
	for _, name := range names {
		out, ok := outputs[name]
		if !ok || out.Value == nil {
			continue
		}
		addr, ok := out.Value.(string)
		if !ok || strings.TrimSpace(addr) == "" {
			return "", fmt.Errorf("workspace %s: output %s is %v, not an address", machine, name, out.Value)
		}
		return strings.TrimSpace(addr), nil
	}
	if s.TargetHostOutput != "" {
		return "", fmt.Errorf("workspace %s: has no output %s (settings.targetHostOutput); declare it, e.g. output.%s.value = \"\\${aws_instance.web.public_ip}\"", machine, s.TargetHostOutput, s.TargetHostOutput)
	}
	return "", fmt.Errorf("workspace %s: has none of the outputs %s; declare one or set settings.targetHostOutput", machine, strings.Join(names, ", "))
}

// Endpoint is where the machine's sshd listens: the host of the address
// output, and the port it names as host:port (a port a container or a NAT
// rule publishes), else settings.sshPort.
func Endpoint(machine string, outputs map[string]Output, s Settings) (host string, port int, err error) {
	addr, err := TargetAddress(machine, outputs, s)
	if err != nil {
		return "", 0, err
	}
	// One colon, or a bracketed IPv6 address followed by one: a bare IPv6
	// address has several colons and no port.
	if strings.Count(addr, ":") != 1 && !strings.Contains(addr, "]:") {
		return addr, s.SSHPort, nil
	}
	h, p, splitErr := net.SplitHostPort(addr)
	n, convErr := strconv.Atoi(p)
	if splitErr != nil || convErr != nil || n < 1 || n > 65535 || h == "" {
		return "", 0, fmt.Errorf("workspace %s: address output is %q: want host or host:port (port 1-65535)", machine, addr)
	}
	return h, n, nil
}

// TargetHost is the --target-host value: user@host, IPv6 in brackets, and
// :port when the port is not 22 (the Clan CLI's user@host:port format).
func TargetHost(user, addr string, port int) string {
	host := addr
	if ip := net.ParseIP(strings.Trim(addr, "[]")); ip != nil && ip.To4() == nil {
		host = "[" + strings.Trim(addr, "[]") + "]"
	}
	if port != 0 && port != DefaultSSHPort {
		host += ":" + strconv.Itoa(port)
	}
	return user + "@" + host
}

// InstanceID returns the value of the instance id output ("" when the
// workspace does not declare it: then replacement cannot be detected).
func InstanceID(outputs map[string]Output, s Settings) string {
	out, ok := outputs[s.InstanceIDOutput]
	if !ok || out.Value == nil {
		return ""
	}
	if str, ok := out.Value.(string); ok {
		return str
	}
	b, _ := json.Marshal(out.Value)
	return string(b)
}

// PublicOutputs drops sensitive outputs and keeps the values only.
func PublicOutputs(outputs map[string]Output) map[string]any {
	public := map[string]any{}
	for name, out := range outputs {
		if !out.Sensitive {
			public[name] = out.Value
		}
	}
	return public
}
