package plan

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Safe changes (safe.go), computed without HTTP.

// renamedTeam is teamManifest with group users renamed "chat users".
var renamedTeam = strings.ReplaceAll(teamManifest, "users", "chat users")

const moveUsers = "moved:\n  - {kind: group, from: users, to: chat users}\n"

func teamLive(owned ...Owned) *Live {
	return withRecords(convergedLive(), StackRecord{PK: "r1", Stack: "team", Objects: append(chatOwned(), owned...)})
}

func TestSafeChanges(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		reason   string
		manifest string
		live     func() *Live
		opts     Options
		want     []string // changeLines; nil with err
		err      string
	}{
		"MovedGroupIsAnUpdate": {
			reason:   "the group keeps its pk; access and the record follow the rename, so nothing else changes",
			manifest: renamedTeam + moveUsers,
			live:     func() *Live { return teamLive() },
			want:     []string{"update group chat users | name users->chat users"},
		},
		"WithoutMovedARenameIsACreateAndADelete": {
			reason:   "what moved: avoids",
			manifest: renamedTeam,
			live:     func() *Live { return teamLive() },
			want: []string{
				"create group chat users",
				"update access chat | groups [users]->[chat users]",
				"delete group users [no longer in the manifest]",
			},
		},
		"MovedIsANoOpOnceDone": {
			reason:   "from no longer exists: entries can stay in the manifest",
			manifest: strings.ReplaceAll(chatManifest, "users", "chat users") + moveUsers,
			live: func() *Live {
				l := convergedLive()
				l.Objects[KindGroup][0].Key, l.Objects[KindGroup][0].Fields["name"] = "chat users", "chat users"
				return l
			},
			want: nil,
		},
		"MovedOntoAnExistingKeyIsRefused": {
			reason:   "both exist: the rename cannot happen",
			manifest: strings.ReplaceAll(chatManifest, "users", "other") + "moved:\n  - {kind: group, from: users, to: other}\n",
			live:     convergedLive,
			err:      `moved: authentik has both group "users" and group "other"`,
		},
		"MovedProviderSendsItsName": {
			reason:   "a hand-written kind renames through its own field",
			manifest: renamedProvider(chatManifest) + "moved:\n  - {kind: provider, from: chat, to: talk}\n",
			live:     convergedLive,
			want:     []string{"update provider talk | name chat->talk"},
		},
		"DroppingAProtectedEntryIsRefused": {
			reason:   "the record keeps protect: true after the entry left",
			manifest: teamManifest,
			live: func() *Live {
				l := teamLive(Owned{Kind: KindGroup, Key: "other", Created: true, Protect: true})
				return l
			},
			err: `group "other" is protected (stack "team"'s record keeps protect: true) and the manifest no longer declares it`,
		},
		"AbsentIsRefusedWhileTheRecordProtects": {
			reason:   "protect: false must be applied first",
			manifest: withGroup(teamManifest, "  - {name: other, state: absent}\n"),
			live: func() *Live {
				return teamLive(Owned{Kind: KindGroup, Key: "other", Created: true, Protect: true})
			},
			err: `m.yaml:4:5: group "other" is protected (stack "team"'s record keeps protect: true) and the manifest marks it state: absent`,
		},
		"NoPruneKeepsWhatLeft": {
			reason:   "nothing dropped is destroyed",
			manifest: teamManifest,
			live:     func() *Live { return teamLive(Owned{Kind: KindGroup, Key: "other", Created: true}) },
			opts:     Options{NoPrune: true},
			want:     nil,
		},
		"PruneWithoutNoPrune": {
			reason:   "the same, pruned",
			manifest: teamManifest,
			live:     func() *Live { return teamLive(Owned{Kind: KindGroup, Key: "other", Created: true}) },
			want:     []string{"delete group other [no longer in the manifest]"},
		},
		"TargetKeepsOnlyItsObject": {
			reason:   "the provider's update is left out",
			manifest: withGroup(strings.Replace(chatManifest, "sub_mode: user_email", "sub_mode: hashed_user_id", 1), "  - {name: other, is_superuser: true}\n"),
			live:     convergedLive,
			opts:     Options{Targets: []Target{{Kind: KindGroup, Key: "other"}}},
			want:     []string{"update group other | is_superuser false->true"},
		},
		"TargetBringsWhatItNeeds": {
			reason:   "a new application needs its new provider and group",
			manifest: withGroup(chatManifest, "  - name: editors\n") + "  - {name: Wiki, slug: wiki, access: {groups: [editors]}}\n",
			live:     convergedLive,
			opts:     Options{Targets: []Target{{Kind: KindApplication, Key: "wiki"}}},
			want:     []string{"create group editors", "create application wiki", "create access wiki | groups <nil>->[editors]"},
		},
		"UnknownTargetSuggests": {
			reason:   "a typo is an error with the closest key",
			manifest: chatManifest,
			live:     convergedLive,
			opts:     Options{Targets: []Target{{Kind: KindGroup, Key: "user"}}},
			err:      `--target group/user: the manifest declares no group "user"; did you mean "users"?`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := ComputeWith(load(t, tc.manifest), tc.live(), tc.opts)
			if tc.err != "" {
				require.Error(t, err, tc.reason)
				assert.Contains(t, err.Error(), tc.err, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			assert.Equal(t, tc.want, changeLines(p), tc.reason)
		})
	}
}

// withGroup adds group entries to a manifest's groups: section.
func withGroup(y, entries string) string {
	return strings.Replace(y, "groups:\n", "groups:\n"+entries, 1)
}

// renamedProvider renames provider chat to talk.
func renamedProvider(y string) string {
	y = strings.ReplaceAll(y, "provider: chat", "provider: talk")
	return strings.Replace(y, "  - name: chat\n    type: oauth2", "  - name: talk\n    type: oauth2", 1)
}

func TestMovedChangeKeepsThePKAndSaysItsOldKey(t *testing.T) {
	t.Parallel()
	p, err := Compute(load(t, renamedTeam+moveUsers), teamLive())
	require.NoError(t, err)
	require.Len(t, p.Changes, 1)
	ch := p.Changes[0]
	assert.Equal(t, "users", ch.MovedFrom)
	assert.Equal(t, groupUsers, ch.ID, "a PATCH of the same group")
	assert.Equal(t, "chat users", ch.Spec.(*EntrySpec).Body["name"])
	assert.False(t, p.Ownership.Changes(), "the record follows the rename: nothing adopted or released")
}

func TestNoPruneAndTargetsKeepTheRecord(t *testing.T) {
	t.Parallel()
	other := Owned{Kind: KindGroup, Key: "other", Created: true}
	p, err := ComputeWith(load(t, teamManifest), teamLive(other), Options{NoPrune: true})
	require.NoError(t, err)
	assert.Equal(t, []Owned{other}, p.Ownership.Kept)
	rec := RecordAfter(load(t, teamManifest), convergedLive(), WriteAhead(p), p.Ownership.Kept...)
	assert.Contains(t, rec, other, "still owned: a later plan without --no-prune prunes it")
	assert.NotContains(t, RecordAfter(load(t, teamManifest), convergedLive(), WriteAhead(p)), other)
}

func TestProtectIsRecorded(t *testing.T) {
	t.Parallel()
	m := load(t, strings.Replace(teamManifest, "  - name: users\n", "  - name: users\n    protect: true\n", 1))
	p, err := Compute(m, teamLive())
	require.NoError(t, err)
	require.Len(t, p.Ownership.Protect, 1, "a protect: change alone changes the record")
	assert.Equal(t, Owned{Kind: KindGroup, Key: "users", Created: true, Protect: true}, p.Ownership.Protect[0])
	assert.True(t, p.HasChanges())
	rec := RecordAfter(m, convergedLive(), WriteAhead(p))
	assert.Contains(t, rec, Owned{Kind: KindGroup, Key: "users", Created: true, PK: groupUsers, Protect: true})
	ctx := RecordContext("team", rec)
	assert.Contains(t, ctx["objects"], map[string]any{"kind": "group", "key": "users", "created": true, "pk": groupUsers, "protect": true})
}

func TestDestroyWarnings(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		users []any
		want  []string
	}{
		"NoMembers":  {nil, nil},
		"OneMember":  {[]any{float64(4)}, []string{`group "other" has 1 member, who loses the group's memberships, bindings and roles`}},
		"TwoMembers": {[]any{float64(4), float64(5)}, []string{`group "other" has 2 members, who lose the group's memberships, bindings and roles`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			l := teamLive(Owned{Kind: KindGroup, Key: "other", Created: true})
			for i := range l.Objects[KindGroup] {
				if l.Objects[KindGroup][i].Key == "other" {
					l.Objects[KindGroup][i].Fields["users"] = tc.users
				}
			}
			p, err := Compute(load(t, teamManifest), l)
			require.NoError(t, err)
			require.Len(t, p.Changes, 1)
			assert.Equal(t, tc.want, p.Changes[0].Warnings)
		})
	}
}

func TestProviderDestroyNamesTheOutputsRewritten(t *testing.T) {
	t.Parallel()
	y := renamedProvider(teamManifest)
	y = strings.Replace(y, "      groups: [users]\n", "      groups: [users]\n    outputs:\n      librechat: {file: chat.env, url: https://chat.example.com}\n", 1)
	p, err := Compute(load(t, y), teamLive())
	require.NoError(t, err)
	var warnings []string
	for _, c := range p.Changes {
		if c.Action == Delete && c.Kind == KindProvider {
			warnings = c.Warnings
		}
	}
	require.Len(t, warnings, 2, changeLines(p))
	assert.Contains(t, warnings[0], `provider "chat" is destroyed with its client credentials`)
	assert.Equal(t, `application "chat" moves to provider "talk", whose client credentials are new: apply rewrites "chat.env"; restart "Chat" once it has`, warnings[1])
}

func TestParseTarget(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Target{
		"group/AI Users":       {KindGroup, "AI Users"},
		"scope-mapping/email":  {KindScopeMapping, "email"},
		"Application/chat":     {KindApplication, "chat"},
		"flow/a/b":             {KindFlow, "a/b"},
		"scope_mapping/e mail": {KindScopeMapping, "e mail"},
	} {
		got, err := ParseTarget(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"group", "/x", "group/", ""} {
		_, err := ParseTarget(in)
		assert.Error(t, err, in)
	}
}

func TestPrunedOutpostWarnsOfItsToken(t *testing.T) {
	t.Parallel()
	p, err := Compute(load(t, teamManifest), withRecords(wikiLive(), StackRecord{PK: "r1", Stack: "team", Objects: wikiOwned()}))
	require.NoError(t, err)
	var found bool
	for _, c := range p.Changes {
		if c.Kind == KindOutpost && c.Action == Delete {
			found = true
			assert.Contains(t, c.Warnings, `outpost "wiki outpost" is destroyed with its API token: the outpost deployment using that token stops working`)
		}
	}
	assert.True(t, found, changeLines(p))
}
