Feature: Password rules and storage
  Passwords follow NIST SP 800-63B: a minimum length and nothing else of the kind, long
  passphrases in any script welcome, checked exactly as typed, enforced by the server
  whatever the page's script does, and stored as Argon2id hashes.

  # The examples use no Latin vowels, so no made-up person's name can turn up inside them.
  @onsite @SEC-1
  Scenario Outline: Long passphrases with spaces and any script are accepted, with no composition rules
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann creates the password <password>
    Then the CRM main screen opens for Ann
    When Ann selects Log out in the Personal settings menu
    And Ann logs in with that password
    Then the CRM main screen opens for Ann

    Examples:
      | password                                                                                |
      | "brrk tzvk mnpl qrst dwx kvlb prg stmn frbz kltr pvn gzbl trnk 2917 wlx"           |
      | "ютро на ріці — 春の川は静かに流れる — θάλασσα και ήλιος 2024 — ჩემი ენა და მთები"     |
      | "brrk tzvk mnpl qrst dwx kvlb prg stmn frbz kltr pvn gzbl trnk wlx"                |

    @SEC-2
    Examples: spaces at either end are part of the password
      | password                                 |
      | "  brrk tzvk mnpl qrst dwx 2917  "       |

  @online @SEC-1
  Scenario Outline: A password shorter than 8 characters is refused, counted in characters of any script
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann tries to create the password <password>
    Then the password is refused because it is too short

    Examples:
      | password    |
      | "q7#Lm2x"   |
      | "ђћџљњѕј"   |
      | "春夏秋冬雪月花" |

  @online @onsite @SEC-2
  Scenario: The password is checked exactly as typed, with no truncation and no case folding
    Given Ann is an active user whose password is 100 characters long
    When Ann logs in with only the first 72 characters of the password
    Then Ann is refused with the generic login message
    When Ann logs in with the password in capital letters
    Then Ann is refused with the generic login message
    When Ann logs in with the user ID and password
    Then the CRM main screen opens for Ann

  @online @onsite @SEC-4
  Scenario: The server enforces the policy when the page's script is bypassed
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in a browser without JavaScript
    And Ann tries to create the password "password1" in that browser
    Then the browser without JavaScript shows the password refused because it is too weak

  @online @onsite @SEC-5 @needs-refusal-status
  Scenario: A huge new password gets a clear refusal, and the account stays as it was
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann sends a new password of 1 MB
    Then the CRM answers with a 4xx status and a readable message
    When Ann follows the "Activate now" link in the email
    Then Ann is asked to create a password for Ann's own user ID

  @online @onsite @SEC-5 @needs-refusal-status
  Scenario: A huge password gets a clear refusal, not a hash
    Given Ann is an active user
    When Ann sends a password of 1 MB from the login screen
    Then the CRM answers with a 4xx status and a readable message

  @online @onsite @SEC-5
  Scenario: A long password is answered promptly, while it is typed and when it is sent
    Given Ann has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann tries to create the password of a thousand repeated letters
    Then the CRM answers promptly, accepting the password or saying why not

  @online @onsite @SEC-6 @needs-storage-audit
  Scenario: Passwords are stored as Argon2id hashes, each with its own salt
    Given Ann and Ben are active users with the same password
    Then the target stores both passwords as Argon2id hashes with different salts
