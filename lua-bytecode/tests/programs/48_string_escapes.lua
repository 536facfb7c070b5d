print("tab\there", 'q"uote', "\65\066\x43", "\u{48}\z
       i", [[long
string]])
