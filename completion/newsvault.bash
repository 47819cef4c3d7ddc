# bash completion for newsvault(1): commands, options, and feed names
# (read with `newsvault list --feeds` from the archive --dir names).
_newsvault_feeds() {
  local dir=.
  local i
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
    if [[ ${COMP_WORDS[i]} == --dir ]]; then dir=${COMP_WORDS[i + 1]}; fi
  done
  newsvault --dir "$dir" status --json 2>/dev/null |
    sed -n 's/^  *"name": "\(.*\)",$/\1/p'
}

_newsvault() {
  local cur prev command word
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD - 1]}
  local commands="init add import-opml export-opml list show fetch publish check pause resume remove rename edit status search run worker serve user verify parse extract"
  for word in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    if [[ " $commands " == *" $word "* ]]; then command=$word; break; fi
  done
  case $prev in
    --dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
  esac
  local global="--dir -q --quiet -h --help"
  case $command in
    "") COMPREPLY=($(compgen -W "$commands $global -V --version" -- "$cur")) ;;
    fetch)
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--force --json --now $global" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "$(_newsvault_feeds)" -- "$cur"))
      fi ;;
    pause | resume)
      COMPREPLY=($(compgen -W "$(_newsvault_feeds) $global" -- "$cur")) ;;
    remove | rename)
      COMPREPLY=($(compgen -W "$(_newsvault_feeds) --json --now $([[ $command == remove ]] && echo --purge) $global" -- "$cur")) ;;
    edit)
      COMPREPLY=($(compgen -W "$(_newsvault_feeds) --adapter --full-text --convert --min-interval --max-interval --json $global" -- "$cur")) ;;
    status | list | show | check) COMPREPLY=($(compgen -W "--json $global" -- "$cur")) ;;
    publish) COMPREPLY=($(compgen -W "--rebuild --json --now --wait $global" -- "$cur")) ;;
    run) COMPREPLY=($(compgen -W "--log-format --now --until $global" -- "$cur")) ;;
    worker) COMPREPLY=($(compgen -W "--once --id --log-format $global" -- "$cur")) ;;
    serve) COMPREPLY=($(compgen -W "--listen --threads $global" -- "$cur")) ;;
    user) COMPREPLY=($(compgen -W "add list remove key --password-stdin --key $global" -- "$cur")) ;;
    verify) COMPREPLY=($(compgen -W "--json --allowed-signers --no-warc $global" -- "$cur")) ;;
    init | import-opml | parse | extract) COMPREPLY=($(compgen -f -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$global" -- "$cur")) ;;
  esac
}
complete -F _newsvault newsvault
