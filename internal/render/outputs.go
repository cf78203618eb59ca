package render

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/provision/provision/internal/plan"
)

// Client settings in the plan: each output destination apply would write,
// with the keys it adds, changes or removes; secret values are masked.

func destination(o *plan.OutputChange) string {
	if o.Destination == "-" {
		return "standard output"
	}
	return strconv.Quote(o.Destination)
}

func settingLine(s plan.SettingChange) (sym, text string) {
	val := func(v string) string {
		if s.Sensitive {
			return Sensitive
		}
		if v == plan.UnknownValue {
			return v
		}
		return strconv.Quote(v)
	}
	switch s.Action {
	case plan.Create:
		return "+", fmt.Sprintf("%s = %s", s.Key, val(s.After))
	case plan.Delete:
		return "-", s.Key
	}
	return "~", fmt.Sprintf("%s = %s -> %s", s.Key, val(s.Before), val(s.After))
}

// outputsText shows the client settings part of a plan.
func outputsText(tw *textWriter, p *plan.Plan) {
	files := 0
	for i := range p.Outputs {
		o := &p.Outputs[i]
		verb := "written"
		if o.Action == plan.Update {
			verb = "updated"
		}
		if o.Persistent() {
			files++
		} else {
			verb = "printed"
		}
		tw.printf("\n  %s# client settings %s will be %s%s (%s; %s)\n", tw.c(bold), destination(o), verb, tw.c(reset), o.Format, strings.Join(o.Outputs, ", "))
		tw.printf("  %s%s%s output %s {\n", tw.c(yellow), "~", tw.c(reset), destination(o))
		for _, s := range o.Settings {
			sym, text := settingLine(s)
			col := map[string]string{"+": green, "-": red, "~": yellow}[sym]
			tw.printf("      %s%s%s %s\n", tw.c(col), sym, tw.c(reset), text)
		}
		tw.printf("    }\n")
	}
	if files > 0 {
		tw.printf("\nClient settings: %d file(s) to write.\n", files)
	}
}

// outputsMarkdown lists the client settings after the changes.
func outputsMarkdown(tw *textWriter, p *plan.Plan) {
	for i := range p.Outputs {
		o := &p.Outputs[i]
		lines := make([]string, 0, len(o.Settings))
		for _, s := range o.Settings {
			sym, text := settingLine(s)
			lines = append(lines, sym+" "+text)
		}
		body := strings.Join(lines, "\n")
		fence := codeFence(body)
		tw.printf("\n<details><summary>client settings <b>%s</b> (%s; %s): %d key(s)</summary>\n\n%sdiff\n%s\n%s\n\n</details>\n",
			html.EscapeString(destination(o)), html.EscapeString(o.Format), html.EscapeString(strings.Join(o.Outputs, ", ")), len(o.Settings), fence, body, fence)
	}
}

type jsonOutput struct {
	Destination string        `json:"destination"`
	Format      string        `json:"format"`
	Outputs     []string      `json:"outputs"`
	Action      string        `json:"action"`
	Settings    []jsonSetting `json:"settings"`
}

type jsonSetting struct {
	Key       string `json:"key"`
	Action    string `json:"action"`
	Before    string `json:"before,omitempty"`
	After     string `json:"after,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

func outputsJSON(p *plan.Plan) []jsonOutput {
	var out []jsonOutput
	for i := range p.Outputs {
		o := &p.Outputs[i]
		jo := jsonOutput{Destination: o.Destination, Format: o.Format, Outputs: o.Outputs, Action: string(o.Action), Settings: []jsonSetting{}}
		for _, s := range o.Settings {
			jo.Settings = append(jo.Settings, jsonSetting{Key: s.Key, Action: string(s.Action), Before: s.Before, After: s.After, Sensitive: s.Sensitive})
		}
		out = append(out, jo)
	}
	return out
}
