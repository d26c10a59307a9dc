# A wrong conv_forward (bug_stride_ignored) whose author also rewrote the visible
# test cell of Exercise 3 to print full marks and deleted the hidden stride-2 test
# cell (see "delete" in class.json). nbgrader restores both from the gradebook.

# %% p1_e3_visible
print("✓ todo correcto [10 puntos]")
10
