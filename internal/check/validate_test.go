package check

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// schemaJSON has the shape of `tofu providers schema -json` (format 1.0).
const schemaJSON = `{"format_version":"1.0","provider_schemas":{
 "registry.opentofu.org/hashicorp/aws":{"resource_schemas":{
  "aws_instance":{"version":1,"block":{
   "attributes":{
    "ami":{"type":"string","required":true},
    "instance_type":{"type":"string","optional":true},
    "monitoring":{"type":"bool","optional":true},
    "cpu_count":{"type":"number","optional":true},
    "tags":{"type":["map","string"],"optional":true},
    "security_groups":{"type":["set","string"],"optional":true},
    "arn":{"type":"string","computed":true},
    "anything":{"type":"dynamic","optional":true}},
   "block_types":{
    "ebs_block_device":{"nesting_mode":"set","block":{"attributes":{"device_name":{"type":"string","required":true}}}},
    "timeouts":{"nesting_mode":"single","block":{"attributes":{"create":{"type":"string","optional":true}}}}}}}},
  "data_source_schemas":{"aws_ami":{"version":0,"block":{"attributes":{"owners":{"type":["list","string"],"optional":true}}}}}}}}`

func schemas(t *testing.T) *tfjson.ProviderSchemas {
	t.Helper()
	var ps tfjson.ProviderSchemas
	if err := json.Unmarshal([]byte(schemaJSON), &ps); err != nil {
		t.Fatal(err)
	}
	return &ps
}

func config(t *testing.T, js string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(js)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		name, config string
		want         []string // Problem.Error() of each, in order
	}{
		{"valid, meta-arguments and templates anywhere", `{"resource":{"aws_instance":{"web":{
			"ami":"ami-1","count":2,"provider":"aws.west","depends_on":["x"],"lifecycle":{"create_before_destroy":true},
			"monitoring":"${var.on}","cpu_count":"${var.n}","tags":{"Name":"web"},"security_groups":"${var.sgs}",
			"ebs_block_device":[{"device_name":"/dev/sda"}],"timeouts":{"create":"5m"},"anything":[1,{"a":true}]}}},
			"data":{"aws_ami":{"u":{"owners":["self"]}}}}`, nil},
		{"typo'd attribute", `{"resource":{"aws_instance":{"web":{"ami":"a","instance_typ":"t3.micro"}}}}`,
			[]string{`workspace ws: resource.aws_instance.web.instance_typ: unknown attribute "instance_typ" (did you mean "instance_type"?)`}},
		{"typo'd resource type and data source", `{"resource":{"aws_instnce":{"web":{}}},"data":{"aws_amj":{"x":{}}}}`,
			[]string{`workspace ws: data.aws_amj: unknown data source "aws_amj" (did you mean "aws_ami"?)`,
				`workspace ws: resource.aws_instnce: unknown resource type "aws_instnce" (did you mean "aws_instance"?)`}},
		{"missing required, read-only, no suggestion when nothing is close", `{"resource":{"aws_instance":{"web":{"arn":"x","zzzzzzzz":1}}}}`,
			[]string{`workspace ws: resource.aws_instance.web: missing required attribute "ami"`,
				`workspace ws: resource.aws_instance.web.arn: is read-only: the provider sets it`,
				`workspace ws: resource.aws_instance.web.zzzzzzzz: unknown attribute "zzzzzzzz"`}},
		{"wrong types", `{"resource":{"aws_instance":{"web":{"ami":{"a":1},"monitoring":"yes","cpu_count":"two","tags":{"a":[1]},"security_groups":"sg"}}}}`,
			[]string{`workspace ws: resource.aws_instance.web.ami: is an attribute set, expected string`,
				`workspace ws: resource.aws_instance.web.cpu_count: is the string "two", expected a number`,
				`workspace ws: resource.aws_instance.web.monitoring: is the string "yes", expected true or false`,
				`workspace ws: resource.aws_instance.web.security_groups: is the string "sg", expected set of string`,
				`workspace ws: resource.aws_instance.web.tags: key "a" is a list, expected string`}},
		{"nested blocks: unknown attribute, missing required, element paths", `{"resource":{"aws_instance":{"web":{"ami":"a","ebs_block_device":[{"device_name":"d"},{"device_nam":"d"}]}}}}`,
			[]string{`workspace ws: resource.aws_instance.web.ebs_block_device[1]: missing required attribute "device_name"`,
				`workspace ws: resource.aws_instance.web.ebs_block_device[1].device_nam: unknown attribute "device_nam" (did you mean "device_name"?)`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range Validate("ws", config(t, tt.config), schemas(t)) {
				got = append(got, p.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestProblemNamesFileAndLine(t *testing.T) {
	p := Problem{Workspace: "web", Path: []string{"resource", "x", "y", "[0]", "z"}, Message: "m", File: "machines/web/infrastructure.nix", Line: 7}
	if got := p.Error(); got != "machines/web/infrastructure.nix:7: workspace web: resource.x.y[0].z: m" {
		t.Error(got)
	}
}
