module re2oracle

go 1.19
