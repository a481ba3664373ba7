Feature: Related content
  Beside the login screen's link to the FAQs, the Personal settings menu at the top
  of the CRM lists its options, Log out among them.

  @online @onsite @HELP-2
  Scenario: The Personal settings menu lists its options, Log out among them
    Given Ann is logged in to the CRM
    When Ann opens the Personal settings menu
    Then the menu lists options, Log out among them
