package plan

import "fmt"

// addWarnings points out changes with consequences for client applications.
func addWarnings(p *Plan) {
	for i := range p.Changes {
		c := &p.Changes[i]
		if c.Kind != KindProvider || c.Action != Update {
			continue
		}
		for _, f := range c.Fields {
			if f.Field == "sub_mode" {
				c.Warnings = append(c.Warnings, fmt.Sprintf(
					"sub_mode changes from %v to %v: the subject (sub) of every user changes, so client applications that key accounts on it will see existing users as new users", f.Before, f.After))
			}
		}
	}
}
