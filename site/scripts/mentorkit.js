/* mentorkit: scripts of every page of a generated site. Landmarks are named in the HTML
   itself (generator/landmarks.py), so a reader hears the same names with scripts off. */
