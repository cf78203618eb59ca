package plan

import "fmt"

// addWarnings points out changes with consequences for client applications.
func addWarnings(p *Plan) {
	for i := range p.Changes {
		c := &p.Changes[i]
		if c.Kind == KindOutpost && c.Action == Create && p.Ownership.owned(KindOutpost, c.Key) {
			c.Warnings = append(c.Warnings, fmt.Sprintf(
				"outpost %q is in stack %q's record but no longer in authentik (deleted by hand?): it is created again, with a new token, so a deployed outpost stops working until it is redeployed with the new token", c.Key, p.Ownership.Stack))
		}
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

// owned reports whether the stack's record, as read, holds the object.
func (o *Ownership) owned(kind Kind, key string) bool {
	if o == nil {
		return false
	}
	for _, x := range o.Previous {
		if x.Kind == kind && x.Key == key {
			return true
		}
	}
	return false
}
